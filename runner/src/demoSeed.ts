import type { BuiltinIssuer, Role } from "@ihp/platform";

import { type DemoPatient, type FlowActors, loginAs, onboardStaff, registerPatient, type Staff } from "./clinicalFlow.js";
import { graphql } from "./graphqlClient.js";

/** Fixed request ids: seeding twice (every restart) returns the same demo institution and appends nothing. */
const REGISTER_REQUEST = "demo-seed-register-institution-1";
const CONNECT_REQUEST = "demo-seed-connect-regulator-1";
const ADMIN_REQUEST = "demo-seed-open-admin-1";
export const DEMO_ADMIN_LOGIN = "admin@demo-hospital";
export const DEMO_ADMIN_PASSWORD = "Demo-admin-pass-1";

export interface SeedOptions {
  /** How long the minted tokens live (default 8 h). */
  readonly ttlSeconds?: number;
  /**
   * Seeds another, separate demo institution (its own request ids, admin login, staff and patient), e.g. one per
   * benchmark worker: one person is registered once per institution (IDN-08), and the demo registry knows few people.
   */
  readonly variant?: string;
}

export interface DemoSeed {
  readonly institutionId: string;
  /** Bearer tokens of demo users, by role. Valid for `ttlSeconds`. */
  readonly tokens: Readonly<Record<string, string>>;
  /** The demo physician and pharmacist (enabled, with logins and signing keys) and a verified patient. */
  readonly staff: Staff;
  readonly patient: DemoPatient;
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Seeds a demo internet hospital through the gateway (the same GraphQL path a front-end uses) and mints tokens for
 * one user per role. Demo data only: a made-up institution, no real person.
 */
export async function seedDemo(graphqlUrl: string, issuer: BuiltinIssuer, now: Date, options: SeedOptions = {}): Promise<DemoSeed> {
  const ttlSeconds = options.ttlSeconds ?? 8 * 3600;
  const { variant } = options;
  const ids = variant === undefined
    ? { register: REGISTER_REQUEST, connect: CONNECT_REQUEST, admin: ADMIN_REQUEST, adminLogin: DEMO_ADMIN_LOGIN, people: "demo" }
    : { register: `${variant}-register-institution`, connect: `${variant}-connect-regulator`, admin: `${variant}-open-admin`, adminLogin: `admin@${variant}`, people: variant };
  const token = (subject: string, roles: Role[], tenantId: string): Promise<string> =>
    issuer.issue({ subject, roles, tenantId, ttlSeconds });
  const operator = await token("demo-platform-operator", ["system"], "platform");
  const year = 365 * 24 * 3600 * 1000;
  const registered = await graphql<{ registerInstitution: { id: string } }>(
    graphqlUrl,
    `mutation Register($input: RegisterInstitutionInput!) { registerInstitution(input: $input) { id } }`,
    {
      input: {
        requestId: ids.register,
        name: "示例互联网医院",
        grade: "TERTIARY_A",
        licence: {
          number: "PDY00001X11010111A1001",
          validFrom: isoDate(new Date(now.getTime() - year)),
          validUntil: isoDate(new Date(now.getTime() + 4 * year)),
        },
        subjectCodes: ["03", "03.07", "07", "50"],
        jurisdiction: "national",
        hostInstitutionName: "示例市第一人民医院",
        hostLicenceNumber: "PDY00001X11010111A1000",
      },
    },
    operator,
  );
  const institutionId = registered.data?.registerInstitution.id;
  if (institutionId === undefined) throw new Error(`demo seed failed: ${JSON.stringify(registered.errors)}`);
  // The institution's first administrator is a real login the platform opens (issue 13), not a minted token. A
  // restart repeats the request id and finds the same account.
  const opened = await graphql(
    graphqlUrl,
    `mutation Open($input: OpenStaffAccountInput!) { openStaffAccount(input: $input) { subjectId } }`,
    { input: { requestId: ids.admin, institutionId, role: "INSTITUTION_ADMIN", loginName: ids.adminLogin, password: DEMO_ADMIN_PASSWORD } },
    operator,
  );
  if (opened.errors !== undefined) throw new Error(`demo seed failed: ${JSON.stringify(opened.errors)}`);
  const admin = await loginAs(graphqlUrl, ids.adminLogin, DEMO_ADMIN_PASSWORD);
  const connected = await graphql(
    graphqlUrl,
    `mutation Connect($input: SetRegulatorConnectionInput!) { setRegulatorConnection(input: $input) { id } }`,
    { input: { requestId: ids.connect, institutionId, connected: true, platformReference: "DEMO-PLATFORM-0001" } },
    admin,
  );
  if (connected.errors !== undefined) throw new Error(`demo seed failed: ${JSON.stringify(connected.errors)}`);
  // Fixed request ids again: a restart finds the same people instead of adding new ones.
  const staff = await onboardStaff(graphqlUrl, admin, institutionId, now, ids.people);
  const patient = await registerPatient(graphqlUrl, institutionId, ids.people);
  return {
    institutionId,
    staff,
    patient,
    tokens: {
      system: operator,
      institution_admin: admin,
      regulator: await token("demo-regulator", ["regulator"], "national"),
      // Real sessions of the demo people (login), so their tokens work for clinical acts after a step-up.
      physician: await loginAs(graphqlUrl, staff.physicianLogin, staff.password),
      pharmacist: await loginAs(graphqlUrl, staff.pharmacistLogin, staff.password),
      patient: await loginAs(graphqlUrl, patient.login, patient.password),
    },
  };
}

/** The seeded patient, physician and pharmacist logged in at `url`, with the clinicians' passkeys: a flow's actors. */
export async function demoActors(url: string, demo: DemoSeed): Promise<FlowActors> {
  return {
    url,
    institutionId: demo.institutionId,
    patientToken: await loginAs(url, demo.patient.login, demo.patient.password),
    physicianToken: await loginAs(url, demo.staff.physicianLogin, demo.staff.password),
    pharmacistToken: await loginAs(url, demo.staff.pharmacistLogin, demo.staff.password),
    passkeys: demo.staff.passkeys,
  };
}
