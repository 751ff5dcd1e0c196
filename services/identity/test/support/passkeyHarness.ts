import { DomainError, type StoredEvent, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import type { JurisdictionCode } from "@ihp/jurisdiction";
import { BuiltinIssuer, createAuditTrail } from "@ihp/platform";
import { DEFAULT_ORIGIN, DEFAULT_RP_ID, readWholeLog } from "@ihp/testing";
import type { Caller } from "../../src/application/caller.js";
import { createInstitutionCommands } from "../../src/application/institutionCommands.js";
import { standInIdentityVerifier } from "../../src/application/patients/identityVerifier.js";
import { openPatientKeyRing } from "../../src/application/patients/patientKeyRing.js";
import { type Accounts, createAccounts } from "../../src/application/sessions/accounts.js";
import { createPasskeys, type Passkeys } from "../../src/application/sessions/passkeys.js";
import { PractitionerStandIn } from "./accessFixtures.js";

/** Accounts and passkeys on a real store, an institution of the given jurisdiction, stand-in practitioners. */
export interface PasskeyHarness {
  readonly store: SqliteEventStore;
  readonly accounts: Accounts;
  readonly passkeys: Passkeys;
  readonly institutionId: string;
  /** The clock every part reads; move it with `at`. */
  now: Date;
  /** A physician with an account and a login; their caller (with the login's session). */
  physician(id: string, loginName: string): Promise<Caller>;
  /** A physician with an account and no login yet. */
  practitionerAccount(id: string, loginName: string): Promise<void>;
  /** The institution's administrator (sets and resets practitioners' passwords). */
  readonly admin: Caller;
  close(): void;
}

const PASSWORD = "Doctor-pass-1";

export async function passkeyHarness(jurisdiction: JurisdictionCode, start: Date): Promise<PasskeyHarness> {
  const store = SqliteEventStore.open({ path: ":memory:" });
  const harness: { now: Date } = { now: start };
  const clock = () => harness.now;
  const audit = createAuditTrail({ store, context: "identity", clock, newId: uuidv7 });
  const system: Caller = { principal: { subject: "svc", roles: ["system"], tenantId: "platform", kind: "service" }, correlationId: "c-1", trace: {} };
  const { institution } = await createInstitutionCommands({ store, audit, clock, newEventId: uuidv7 }).register(system, {
    requestId: `institution-${jurisdiction}`,
    name: "示范互联网医院",
    grade: "TERTIARY_A",
    licence: { number: "PDY00001X12010217A1001", validFrom: "2024-01-01", validUntil: "2029-12-31" },
    subjectCodes: ["03", "07"],
    jurisdiction,
    hostInstitutionName: "示范医院",
    hostLicenceNumber: "PDY00001X12010217A0001",
  });
  const { institutionId } = institution;
  const practitioners = new PractitionerStandIn();
  const keys = await openPatientKeyRing(":memory:");
  const policy = { maxFailures: 5, lockoutMinutes: 15, idleMinutes: 30, stepUpMinutes: 10, challengeSeconds: 300 };
  const passkeys = createPasskeys({
    store,
    audit,
    clock,
    newId: uuidv7,
    practitioners,
    policy,
    loginAvailable: true,
    webauthn: { rpId: DEFAULT_RP_ID, rpName: "测试平台", origins: [DEFAULT_ORIGIN] },
  });
  const accounts = createAccounts({
    store,
    audit,
    clock,
    newId: uuidv7,
    blindIndex: keys.blindIndex,
    issuer: await BuiltinIssuer.create({ issuer: "urn:ihp:builtin", audience: "ihp", now: clock }),
    policy,
    tokenTtlMinutes: 60,
    practitioners,
    faceMatch: standInIdentityVerifier(uuidv7),
    passkeys,
  });
  const admin: Caller = { principal: { subject: "admin", roles: ["institution_admin"], tenantId: institutionId, kind: "human" }, correlationId: "c-2", trace: {} };
  async function practitionerAccount(id: string, loginName: string): Promise<void> {
    practitioners.add(id, { name: "王医生", profession: "PHYSICIAN", institutionId, active: true });
    await accounts.setPractitionerPassword(admin, { requestId: `password-${id}`, practitionerId: id, loginName, password: PASSWORD });
  }
  return Object.assign(harness, {
    store,
    accounts,
    passkeys,
    institutionId,
    admin,
    practitionerAccount,
    async physician(id: string, loginName: string): Promise<Caller> {
      await practitionerAccount(id, loginName);
      const session = await accounts.login({ loginName, password: PASSWORD }, {}, "corr-login");
      return { principal: { subject: id, roles: ["physician"], tenantId: institutionId, kind: "human", sessionId: session.sessionId }, correlationId: "c-3", trace: {} };
    },
    close: () => store.close(),
  });
}

/** The refusal's code, checking that it appended its AccessRefused record and nothing else. */
export async function refusedWith(store: SqliteEventStore, work: () => Promise<unknown>): Promise<string> {
  const before = (await readWholeLog(store)).length;
  let code: string | undefined;
  try {
    await work();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    code = error.code;
  }
  if (code === undefined) throw new Error("expected a refusal");
  const added: StoredEvent[] = (await readWholeLog(store)).slice(before);
  if (added.length !== 1 || added[0]?.type !== "AccessRefused") throw new Error(`a refusal wrote ${added.map((event) => event.type).join(", ")}`);
  return code;
}

export { PASSWORD };
