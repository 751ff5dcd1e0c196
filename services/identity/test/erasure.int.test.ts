import { uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createAuditTrail, type Principal, type Role } from "@ihp/platform";
import { ERASURE_CONFIRMED, ERASURE_REQUESTED, ERASURE_RETRIED, erasureStream } from "@ihp/service-host";
import { readWholeLog } from "@ihp/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Caller } from "../src/application/caller.js";
import { createErasureCoordinator, type ErasureCoordinator } from "../src/application/erasure/erasureCoordinator.js";
import { patientStreamId } from "../src/application/patients/patientIds.js";

// Issue 10 item 3, the coordinator: who may order an erasure, that it completes only when every holder confirmed,
// that an unconfirmed one is ordered again naming the holders still pending, and that a refusal writes only its
// audit record. The holders' side (destroy, confirm) is @ihp/service-host's erasure.ts; tests/e2e/erasure.e2e.test.ts
// runs both through the real services.

const A = "0193a9f2-7c1d-8e4b-9a6f-00000000000a";
const B = "0193a9f2-7c1d-8e4b-9a6f-00000000000b";
const PATIENT = "0193a9f2-7c1d-7e4b-9a6f-0000000000f1";
const NOW = new Date("2041-03-02T02:00:00Z");

const as = (subject: string, role: Role, tenantId: string, kind: Principal["kind"] = "human"): Caller => ({
  principal: { subject, roles: [role], tenantId, kind },
  correlationId: "corr-erasure",
  trace: {},
});
const adminA = as("admin-a", "institution_admin", A);
const metadata = { actorId: "consult", actorRole: "system", tenantId: A, correlationId: "c", causationId: "c", occurredAt: NOW.toISOString() };

let store: SqliteEventStore;
let coordinator: ErasureCoordinator;

beforeEach(async () => {
  store = SqliteEventStore.open({ path: ":memory:" });
  const audit = createAuditTrail({ store, context: "identity", clock: () => NOW, newId: uuidv7 });
  coordinator = createErasureCoordinator({ store, audit, clock: () => NOW, newId: uuidv7, holders: ["identity", "consult", "pharmacy"] });
  // The patient, registered at institution A (only the registration's tenant matters here).
  await store.append(patientStreamId(PATIENT), [{ id: uuidv7(), type: "PatientRegistered", schemaVersion: 1, data: { patientId: PATIENT }, metadata }], "no_stream");
});
afterEach(() => store.close());

const input = (overrides: Partial<{ requestId: string; patientId: string; retentionClass: string; approvalRef: string }> = {}) => ({
  requestId: "erasure-0001",
  patientId: PATIENT,
  retentionClass: "clinical",
  approvalRef: "院长审批-2041-0007",
  ...overrides,
});
const codeOf = async (work: Promise<unknown>): Promise<string | undefined> => work.then(() => undefined, (error: { code?: string }) => error.code);
const typesOf = async (): Promise<string[]> => (await readWholeLog(store)).map((event) => event.type);

describe("erasure coordinator (issue 10, XC-01)", () => {
  it("XC-01: refuses another role, another institution's admin, a missing approval or an unknown class — recording only the refusal", async () => {
    const before = await typesOf();
    expect(await codeOf(coordinator.request(as("doc", "physician", A), input()))).toBe("ROLE_NOT_ALLOWED");
    expect(await codeOf(coordinator.request(as("admin-b", "institution_admin", B), input()))).toBe("TENANT_MISMATCH");
    expect(await codeOf(coordinator.request(adminA, input({ approvalRef: " " })))).toBe("APPROVAL_REFERENCE_REQUIRED");
    expect(await codeOf(coordinator.request(adminA, input({ retentionClass: "everything" })))).toBe("INVALID_RETENTION_CLASS");
    expect(await codeOf(coordinator.request(adminA, input({ patientId: "0193a9f2-7c1d-7e4b-9a6f-0000000000f2" })))).toBe("PATIENT_NOT_FOUND");
    expect((await typesOf()).slice(before.length)).toEqual(Array(5).fill("AccessRefused"));
  });

  it("XC-01: INCOMPLETE until every holder confirmed, then COMPLETE; confirmations from unknown holders or twice do not count", async () => {
    const ordered = await coordinator.request(adminA, input());
    expect(ordered).toMatchObject({ status: "INCOMPLETE", pending: ["identity", "consult", "pharmacy"], attempts: 1 });
    await coordinator.confirm(ordered.erasureId, "consult", metadata);
    await coordinator.confirm(ordered.erasureId, "consult", metadata);
    await coordinator.confirm(ordered.erasureId, "ghost", metadata);
    await coordinator.confirm(ordered.erasureId, "identity", metadata);
    expect(await coordinator.get(adminA, ordered.erasureId)).toMatchObject({ status: "INCOMPLETE", confirmed: ["identity", "consult"], pending: ["pharmacy"] });
    await coordinator.confirm(ordered.erasureId, "pharmacy", metadata);
    expect(await coordinator.get(adminA, ordered.erasureId)).toMatchObject({ status: "COMPLETE", pending: [] });
    const stream = (await store.readStream(erasureStream(ordered.erasureId))).map((event) => event.type);
    expect(stream).toEqual([ERASURE_REQUESTED, ERASURE_CONFIRMED, ERASURE_CONFIRMED, ERASURE_CONFIRMED, "SubjectErasureCompleted"]);
  });

  it("XC-01: a retry orders again, naming only the holders still pending; a complete erasure is not ordered again", async () => {
    const ordered = await coordinator.request(adminA, input());
    await coordinator.confirm(ordered.erasureId, "identity", metadata);
    const retried = await coordinator.retry(ordered.erasureId);
    expect(retried).toMatchObject({ status: "INCOMPLETE", attempts: 2 });
    const [, , retry] = await store.readStream(erasureStream(ordered.erasureId));
    expect(retry).toMatchObject({ type: ERASURE_RETRIED, data: { holders: ["consult", "pharmacy"], subject: PATIENT } });
    await coordinator.confirm(ordered.erasureId, "consult", metadata);
    await coordinator.confirm(ordered.erasureId, "pharmacy", metadata);
    expect(await coordinator.retry(ordered.erasureId)).toMatchObject({ status: "COMPLETE", attempts: 2 });
  });

  it("a repeated request id returns the same erasure; reused for another patient or class it is refused; another institution does not see it", async () => {
    const first = await coordinator.request(adminA, input());
    expect((await coordinator.request(adminA, input())).erasureId).toBe(first.erasureId);
    expect(await codeOf(coordinator.request(adminA, input({ retentionClass: "media" })))).toBe("ERASURE_REQUEST_CONFLICT");
    expect(await codeOf(coordinator.get(as("admin-b", "institution_admin", B), first.erasureId))).toBe("ERASURE_NOT_FOUND");
    expect(await codeOf(coordinator.get(adminA, "not-an-id"))).toBe("ERASURE_NOT_FOUND");
    // The order itself names no person: the patient's platform id, the class, the approval, the holders.
    const [order] = await store.readStream(erasureStream(first.erasureId));
    expect(Object.keys(order!.data).sort()).toEqual(["approvalRef", "erasureId", "holders", "retentionClass", "subject"]);
  });
});
