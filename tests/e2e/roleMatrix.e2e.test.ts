import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { CONSULT_ERRORS } from "@ihp/consult";
import { declaredAccess, GATEWAY_ERRORS, loadComposedSchemaText, type OperationAccess, type OperationName } from "@ihp/gateway";
import { IDENTITY_ERRORS } from "@ihp/identity";
import { INTEGRATION_ERRORS } from "@ihp/integration";
import { PHARMACY_ERRORS } from "@ihp/pharmacy";
import { PLATFORM_ERRORS, ROLES, type Role } from "@ihp/platform";
import { PRESCRIPTION_ERRORS } from "@ihp/prescription";
import { RECORDS_ERRORS } from "@ihp/records";
import { REPORTING_ERRORS } from "@ihp/reporting";
import { awaitDraftRecord, type DemoSeed, type EmbeddedPlatform, graphql, runClinicalFlow, seedDemo, startEmbeddedPlatform } from "@ihp/runner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";

import { type KnownValues, operationCalls } from "../support/operationArguments.js";

// The role × operation matrix (issue 13 item 7, ARCHITECTURE §8 "deny by default", XC-03): every Query, Mutation and
// Subscription field of the composed GraphQL schema declares in the SDL who may call it (@allow(roles: …) or
// @public). This test starts the whole embedded platform once, sends every operation as every role (and anonymously)
// with arguments generated from the schema, and checks that the services' answers agree with the declarations.
//
// "Denied" means the answer's code refuses the caller as such — their role, their tenant, or their relationship to the
// object (DENIALS below). Everything else is "allowed": data, not found, a validation or state refusal that comes
// after the gate, and the permission-kind codes that mean "your role may, once a condition holds" (CONDITIONS).
// Queries use the seed's real objects (so relationship gates are reached); mutations use fresh ids for the objects
// they act on (so the walk changes nothing it reads) and the seed's institution (so tenant gates pass).

type Column = Role | "anonymous";
type Outcome = "allowed" | "denied";
const COLUMNS: readonly Column[] = [...ROLES, "anonymous"];

/** Codes that refuse the caller: the operation is not for them. */
const DENIALS: ReadonlySet<string> = new Set([
  "UNAUTHENTICATED",
  "PERMISSION_DENIED",
  "ROLE_NOT_ALLOWED",
  "TENANT_MISMATCH",
  "HUMAN_CLINICIAN_REQUIRED",
  "TOKEN_MISSING",
  "TOKEN_MALFORMED",
  "TOKEN_EXPIRED",
  "TOKEN_NOT_YET_VALID",
  "TOKEN_SIGNATURE_INVALID",
  "TOKEN_ALGORITHM_NOT_ALLOWED",
  "TOKEN_CLAIMS_INVALID",
  "NOT_CONSULT_PARTICIPANT",
  "NOT_PRESCRIPTION_PATIENT",
  "NOT_PRESCRIPTION_PARTICIPANT",
  "NOT_THE_PRACTITIONER",
  "DOCUMENT_SUBMITTER_NOT_ALLOWED",
  "JURISDICTION_NOT_ALLOWED",
  "REGULATOR_JURISDICTION_UNKNOWN",
  "AUDIT_SCOPE_UNAVAILABLE",
  // REP-07 / REP-05: an incident or anomaly case of another institution.
  "INCIDENT_OTHER_INSTITUTION",
  "ANOMALY_CASE_OTHER_INSTITUTION",
  // REP-04: supervision statistics of another institution asked by an institution admin.
  "STATISTICS_INSTITUTION_NOT_ALLOWED",
  // REC-08 / XC-03 (integration): results of someone else; a credential other than the institution's own system's.
  "RESULTS_ACCESS_DENIED",
  "INTEGRATION_CREDENTIAL_REQUIRED",
  "WRONG_INSTITUTION",
  // REC-08 / REC-09 (records): a record the caller has no relationship to, or a role that never reads records; a
  // write by anyone but the record's author.
  "RECORD_ACCESS_DENIED",
  "NOT_RECORD_AUTHOR",
  // Records: consult's record source for the records service only; a record of another custodian or patient; copies
  // approved by records staff, destruction by the institution head only.
  "RECORD_SOURCE_CREDENTIAL_REQUIRED",
  "NOT_CUSTODIAN",
  "NOT_RECORD_SUBJECT",
  "COPY_APPROVER_NOT_RECORDS_STAFF",
  "DESTRUCTION_APPROVER_NOT_HEAD",
  // REC-13: custody (rename, successor, transfer, close) by the institution's admin only.
  "CUSTODY_ADMIN_REQUIRED",
  // REC-03: media destruction by records staff only.
  "MEDIA_DESTRUCTION_DENIED",
  // REC-05, REC-06, REC-02, REC-11: the record's lifecycle operations, each for its role only.
  "RECORD_LIFECYCLE_DENIED",
]);

/** Permission-kind codes that do not refuse the role: it may act once the named condition holds. */
const CONDITIONS: ReadonlySet<string> = new Set([
  "STEP_UP_REQUIRED",
  "OUT_OF_SCOPE",
  "GUARDIAN_NOT_VERIFIED",
  "REVIEWER_NOT_ELIGIBLE",
  "NOT_ASSIGNED_PHYSICIAN",
  // REC-05: a physician co-signs a trainee's record once qualified as supervisor, and never their own.
  "COSIGNER_NOT_QUALIFIED",
  "COSIGNER_IS_AUTHOR",
  // A physician reads a patient once a consult between them is open or recently ended (REC-09, issue 13 item 6).
  "NO_CARE_RELATIONSHIP",
  // Sign-in states of a person whose role may act: sign in again, or use a login session rather than another token.
  "INVALID_CREDENTIALS",
  "SESSION_REQUIRED",
  "SESSION_IDLE_EXPIRED",
  "SESSION_SUPERSEDED",
  // Signing needs the clinician's own token next to the submitting service's: a condition of the call, not a role.
  "SIGNER_TOKEN_REQUIRED",
  // IDN-03 passkeys: the clinician's assertion must be right (origin, RP ID, user verified, counter, signature, their own
  // registered credential) — conditions of the step-up, not of the role.
  "WEBAUTHN_ORIGIN_MISMATCH",
  "WEBAUTHN_RP_ID_MISMATCH",
  "WEBAUTHN_USER_NOT_VERIFIED",
  "WEBAUTHN_COUNTER_REGRESSED",
  "WEBAUTHN_SIGNATURE_INVALID",
  "PASSKEY_NOT_REGISTERED",
]);

/** Answers that are neither: the walk itself broke, or a service failed. */
const FAULTS: ReadonlySet<string> = new Set(["INTERNAL", "UNAVAILABLE", "DEADLINE_EXCEEDED", "SERVICE_NOT_CONFIGURED", "GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED"]);

/** Every permission- or authentication-kind code any error table lists: each must be a denial or a condition. */
function permissionCodes(): string[] {
  const tables: Record<string, { kind?: string; status?: number }>[] = [
    PLATFORM_ERRORS,
    GATEWAY_ERRORS,
    IDENTITY_ERRORS,
    CONSULT_ERRORS,
    PRESCRIPTION_ERRORS,
    PHARMACY_ERRORS,
    REPORTING_ERRORS,
    INTEGRATION_ERRORS,
    RECORDS_ERRORS,
  ];
  const codes = new Set<string>();
  for (const table of tables) {
    for (const [code, entry] of Object.entries(table)) {
      const permission = entry.kind === "PERMISSION_DENIED" || entry.kind === "UNAUTHENTICATED";
      // Platform and reporting tables carry gRPC statuses (7 PERMISSION_DENIED, 16 UNAUTHENTICATED); the gateway's, HTTP.
      const status = table === GATEWAY_ERRORS ? entry.status === 401 || entry.status === 403 : entry.status === 7 || entry.status === 16;
      if (permission || status) codes.add(code);
    }
  }
  return [...codes].sort();
}

function expected(access: OperationAccess, column: Column): Outcome {
  if (access.kind === "public") return "allowed";
  return column !== "anonymous" && access.roles.includes(column) ? "allowed" : "denied";
}

interface Answer {
  readonly outcome: Outcome | "fault";
  /** What came back, for the diff: a code, or "data". */
  readonly detail: string;
}

function classify(code: string | undefined): Answer {
  if (code === undefined) return { outcome: "allowed", detail: "data" };
  if (FAULTS.has(code)) return { outcome: "fault", detail: code };
  return { outcome: DENIALS.has(code) ? "denied" : "allowed", detail: code };
}

/**
 * Where a role legitimately calls an operation differently, or only on its own record, the values it sends. The
 * walk otherwise sends every role the same request, so without these a role-specific path would never be reached.
 */
function variants(operation: string, column: Column, seeded: Record<string, string>): KnownValues {
  switch (operation) {
    // The patient verifies themself by face match; staff check the document at the counter (IDN-07).
    case "Mutation.verifyPatientIdentity":
      return { patientId: seeded["patientId"], ...(column === "institution_admin" ? { method: "IN_PERSON_DOCUMENT_CHECK" } : {}) };
    // A patient links themself as the guardian.
    case "Mutation.linkGuardian":
      return column === "patient" ? { guardianId: seeded["patientId"] } : {};
    default:
      return {};
  }
}

type Frame = { type: string; payload?: unknown };

/** One subscription over graphql-transport-ws: the first frame decides, and silence (subscribed, waiting) is allowed. */
async function subscribeOnce(url: string, token: string | undefined, query: string, variables: Record<string, unknown>): Promise<Answer> {
  const socket = new WebSocket(url.replace(/^http/, "ws"), "graphql-transport-ws");
  const frames: Frame[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  socket.on("message", (data: Buffer) => {
    frames.push(JSON.parse(data.toString("utf8")) as Frame);
    wake?.();
  });
  socket.on("close", () => {
    closed = true;
    wake?.();
  });
  const next = (timeoutMs: number): Promise<Frame | undefined> =>
    new Promise((resolve) => {
      const take = () => {
        const frame = frames.shift();
        if (frame !== undefined || closed) {
          clearTimeout(timer);
          wake = undefined;
          resolve(frame);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        wake = undefined;
        resolve(undefined);
      }, timeoutMs);
      if (!take()) wake = () => void take();
    });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    socket.send(JSON.stringify({ type: "connection_init", payload: token === undefined ? {} : { authorization: `Bearer ${token}` } }));
    const ack = await next(5_000);
    if (ack?.type !== "connection_ack") return { outcome: "denied", detail: `connection ${ack?.type ?? "closed"}` };
    socket.send(JSON.stringify({ type: "subscribe", id: "1", payload: { query, variables } }));
    const frame = await next(1_500);
    if (frame === undefined) return { outcome: "allowed", detail: closed ? "closed" : "subscribed" };
    const errors = frame.type === "error" ? (frame.payload as { extensions?: { code?: string } }[]) : (frame.payload as { errors?: { extensions?: { code?: string } }[] } | undefined)?.errors;
    return classify(errors?.[0]?.extensions?.code);
  } finally {
    socket.close();
  }
}

describe("role × operation matrix (issue 13 item 7): every GraphQL operation as every role, against the SDL's declarations", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ihp-role-matrix-"));
  let platform: EmbeddedPlatform;
  let demo: DemoSeed;
  let url: string;
  let sdl: string;
  const tokens: Partial<Record<Column, string>> = {};
  /** The seed's objects, by the argument names that point at them. */
  let seeded: Record<string, string>;

  beforeAll(async () => {
    sdl = await loadComposedSchemaText();
    // ROLE_MATRIX_LOG=error shows the services' error logs, e.g. to find where an INTERNAL answer came from.
    platform = await startEmbeddedPlatform({ dataDir, gatewayPort: 0, logLevel: process.env["ROLE_MATRIX_LOG"] === "error" ? "error" : "silent" });
    url = platform.graphqlUrl;
    const now = new Date();
    demo = await seedDemo(url, platform.issuer, now);
    const { tokens: seedTokens } = demo;
    const flow = await runClinicalFlow(
      {
        url,
        institutionId: demo.institutionId,
        patientToken: seedTokens["patient"] ?? "",
        physicianToken: seedTokens["physician"] ?? "",
        pharmacistToken: seedTokens["pharmacist"] ?? "",
        passkeys: demo.staff.passkeys,
      },
      "role-matrix",
      { prescribe: true, now },
    );
    seeded = {
      institutionId: demo.institutionId,
      consultId: flow.consultId,
      prescriptionId: flow.prescriptionId ?? "",
      serialNumber: flow.serialNumber ?? "",
      patientId: demo.patient.patientId,
      practitionerId: demo.staff.physicianId,
      pharmacistId: demo.staff.pharmacistId,
      // No contract is proposed: consult refuses roles that never read one before looking it up, so an unknown id
      // separates the roles as well (a party or a physician gets FAMILY_CONTRACT_NOT_FOUND, everyone else a denial).
      contractId: crypto.randomUUID(),
      // The outpatient record the records service drafted when the flow's consult closed (issue 11).
      recordId: (await awaitDraftRecord(url, seedTokens["physician"] ?? "", flow.consultId)).recordId,
    };
    // People with a login in the seed use their real session; the others get what their identity provider would
    // issue: a person (kind human) of the seed's institution. The regulator is national; system is a service.
    for (const role of ROLES) tokens[role] = seedTokens[role];
    for (const role of ["nurse", "pharmacy_governance"] as const) {
      tokens[role] = await platform.issuer.issue({ subject: crypto.randomUUID(), roles: [role], tenantId: demo.institutionId, kind: "human", ttlSeconds: 3600 });
    }
    // A hospital's own system (issue 17): a service credential of the seed's institution.
    tokens["integration"] = await platform.issuer.issue({ subject: "svc:his-role-matrix", roles: ["integration"], tenantId: demo.institutionId, kind: "service", ttlSeconds: 3600 });
    // Medical-records staff of the seed's institution (a person), and the records service's own credential (issue 11).
    tokens["records_officer"] = await platform.issuer.issue({ subject: crypto.randomUUID(), roles: ["records_officer"], tenantId: demo.institutionId, kind: "human", ttlSeconds: 3600 });
    tokens["records"] = await platform.issuer.issue({ subject: "svc:records", roles: ["records"], tenantId: "platform", kind: "service", ttlSeconds: 3600 });
    // The reporting service's own credential for the XC-07 daily security report: no GraphQL operation is its.
    tokens["security_report"] = await platform.issuer.issue({ subject: "svc:reporting", roles: ["security_report"], tenantId: "platform", kind: "service", ttlSeconds: 3600 });
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("XC-03: every Query, Mutation and Subscription field declares who may call it, and only platform roles", () => {
    const { operations, problems } = declaredAccess(sdl);
    expect(problems, problems.join("\n")).toEqual([]);
    expect(operations.size).toBeGreaterThan(0);
  });

  it("XC-02: every permission-kind code is classified here as a refusal of the caller or a condition of an allowed role", () => {
    const unclassified = permissionCodes().filter((code) => !DENIALS.has(code) && !CONDITIONS.has(code));
    expect(unclassified, `classify in DENIALS or CONDITIONS: ${unclassified.join(", ")}`).toEqual([]);
  });

  it("XC-03: the services answer every operation × role as the schema declares (deny by default, IDN-03, REP-04)", async () => {
    const { operations } = declaredAccess(sdl);
    const calls = operationCalls(sdl);
    expect(new Set(calls.operations)).toEqual(new Set(operations.keys()));
    const idOf: Partial<Record<OperationName, string>> = {
      "Query.institution": seeded["institutionId"],
      "Query.consult": seeded["consultId"],
      "Query.familyContract": seeded["contractId"],
      "Query.practitioner": seeded["practitionerId"],
      "Query.patient": seeded["patientId"],
      "Query.prescription": seeded["prescriptionId"],
    };
    const mismatches: string[] = [];
    const faults: string[] = [];
    const observed: string[] = [];
    for (const [operation, declared] of operations) {
      // Undeclared: walked anyway, as denied to everyone, so the diff shows what the services do today.
      const access: OperationAccess = declared ?? { kind: "roles", roles: [] };
      if (declared === undefined) mismatches.push(`${operation}: not declared`);
      const reads = !operation.startsWith("Mutation.");
      const known: KnownValues = reads
        ? { ...seeded, ...(idOf[operation] === undefined ? {} : { id: idOf[operation] }), lines: [{ drugCode: "metformin-hcl-tab-0.5g", prescriptionId: seeded["prescriptionId"] }] }
        : { institutionId: seeded["institutionId"] };
      const answers = await Promise.all(
        COLUMNS.map(async (column): Promise<[Column, Answer]> => {
          const { query, variables } = calls.call(operation, { ...known, ...variants(operation, column, seeded) });
          const token = column === "anonymous" ? undefined : tokens[column];
          if (operation.startsWith("Subscription.")) return [column, await subscribeOnce(url, token, query, variables)];
          const response = await graphql(url, query, variables, token);
          const code = response.errors?.[0]?.extensions?.["code"];
          return [column, classify(typeof code === "string" ? code : undefined)];
        }),
      );
      observed.push(`${operation.padEnd(40)} ${answers.map(([column, answer]) => `${column}=${answer.outcome === "allowed" ? "Y" : answer.outcome === "denied" ? "-" : "!"}`).join(" ")}`);
      for (const [column, answer] of answers) {
        if (answer.outcome === "fault") {
          faults.push(`${operation} as ${column}: ${answer.detail}`);
          continue;
        }
        const want = expected(access, column);
        if (answer.outcome !== want) mismatches.push(`${operation.padEnd(40)} ${column.padEnd(20)} declared ${want.padEnd(7)} services ${answer.outcome} (${answer.detail})`);
      }
    }
    console.log(`role × operation matrix as observed (Y allowed, - denied, ! fault):\n${observed.join("\n")}`);
    const report = `the services disagree with the schema's declarations:\n${mismatches.join("\n")}\nthe walk reached no decision:\n${faults.join("\n")}`;
    expect({ mismatches, faults }, report).toEqual({ mismatches: [], faults: [] });
  }, 180_000);
});
