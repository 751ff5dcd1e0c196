import { type EventStore, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createAuditTrail } from "@ihp/platform";
import { LocalCertificateAuthority, LocalKeyVault } from "@ihp/signatures";
import { afterEach, describe, expect, it } from "vitest";
import type { Caller } from "../src/application/caller.js";
import type { Accounts } from "../src/application/sessions/accounts.js";
import { createSignatures, type Signatures, signaturesStreamId } from "../src/application/signing/signatures.js";
import { PractitionerStandIn } from "./support/accessFixtures.js";

// IDN-09 (issue 15): signatures are recorded in a stream per signer and document, not in the stream of their keys, so
// no read grows with the signatures made; a signature still verifies only if recorded.

const AT = new Date("2026-03-02T02:00:00Z");
const DOCTOR = "0193a9f2-7c1d-8e4b-9a6f-00000000d0c1";
const INSTITUTION = "inst-1";

const caller = (principal: Caller["principal"]): Caller => ({ principal, correlationId: "corr-1", trace: {} });
const admin = caller({ subject: "admin-1", roles: ["institution_admin"], tenantId: INSTITUTION, kind: "human" });
const submitter = caller({ subject: "svc:prescription", roles: ["system"], tenantId: "platform", kind: "service" });
const doctor = caller({ subject: DOCTOR, roles: ["physician"], tenantId: INSTITUTION, kind: "human", sessionId: "session-1" });
// The session and step-up checks are the accounts' (tested with them); here every signer is in session.
const inSession = { requireClinicalSession: () => Promise.resolve({ sessionId: "session-1", stepUpId: "step-1" }) } as unknown as Accounts;

let store: SqliteEventStore;
afterEach(() => store.close());

async function signaturesOn(log: EventStore): Promise<Signatures> {
  const practitioners = new PractitionerStandIn();
  practitioners.add(DOCTOR, { name: "王医生", profession: "PHYSICIAN", institutionId: INSTITUTION, active: true });
  const clock = () => AT;
  return createSignatures({
    store: log,
    audit: createAuditTrail({ store: log, context: "identity", clock, newId: uuidv7 }),
    clock,
    newId: uuidv7,
    ca: await LocalCertificateAuthority.open({ name: "Test CA", algorithm: "ECDSA_P256_SHA256" }),
    vault: await LocalKeyVault.open({}),
    accounts: inSession,
    practitioners,
    defaultAlgorithm: "ECDSA_P256_SHA256",
    certificateDays: 365,
  });
}

const documentOf = (id: string) => Buffer.from(JSON.stringify({ id, drug: "amlodipine" }), "utf8");
const signed = (signatures: Signatures, requestId: string, id: string) =>
  signatures.sign(submitter, doctor, { requestId, documentType: "PRESCRIPTION", documentId: id, canonicalDocument: documentOf(id), boundKind: "CONSULT", boundId: "consult-1" });
const sign = async (signatures: Signatures, requestId: string, id: string) => (await signed(signatures, requestId, id)).signature;

describe("IDN-09 signatures in the document's stream", () => {
  it("IDN-09 (issue 15): the keys' stream holds enrolment only; each signature is in its document's stream and verifies; a repeated request signs nothing", async () => {
    store = SqliteEventStore.open({ path: ":memory:" });
    const signatures = await signaturesOn(store);
    await signatures.enrol(admin, { requestId: "enrol-0001", practitionerId: DOCTOR, algorithm: "" });
    const made = [await sign(signatures, "sign-0001", "rx-1"), await sign(signatures, "sign-0002", "rx-2")];
    const again = await sign(signatures, "sign-0002", "rx-2");
    expect(again.value.equals(made[1]!.value)).toBe(true);
    expect((await store.readStream(`identity-signing-${DOCTOR}`)).map((event) => event.type)).toEqual(["SigningKeyEnrolled"]);
    for (const id of ["rx-1", "rx-2"]) {
      const own = await store.readStream(signaturesStreamId(DOCTOR, documentOf(id)));
      expect(own.map((event) => [event.type, event.data["documentId"]])).toEqual([["DocumentSigned", id]]);
    }
    for (const [index, signature] of made.entries()) {
      const verdict = await signatures.verify(submitter, { canonicalDocument: documentOf(`rx-${index + 1}`), signature, expectedSignerId: DOCTOR });
      expect(verdict).toEqual({ valid: true, reasonCode: "" });
    }
  });

  it("IDN-09 (issue 15): a revocation recorded while a signature was being made, at or before its time, refuses it; it never verifies", async () => {
    store = SqliteEventStore.open({ path: ":memory:" });
    let revokeFirst: (() => Promise<unknown>) | undefined;
    // The revocation lands between the read of the keys and the append of the signature.
    const racing: EventStore = Object.assign(Object.create(store) as EventStore, {
      append: async (...args: Parameters<EventStore["append"]>) => {
        const revoke = args[0].startsWith("identity-signatures-") ? revokeFirst : undefined;
        revokeFirst = undefined;
        if (revoke !== undefined) await revoke();
        return store.append(...args);
      },
    });
    const signatures = await signaturesOn(racing);
    const { certificate } = await signatures.enrol(admin, { requestId: "enrol-0001", practitionerId: DOCTOR, algorithm: "" });
    revokeFirst = () => signatures.revoke(admin, { requestId: "revoke-0001", practitionerId: DOCTOR, serial: certificate.serial, reason: "left" });
    await expect(sign(signatures, "sign-0001", "rx-1")).rejects.toMatchObject({ code: "NO_VALID_SIGNING_CERT" });
    const [recorded] = await store.readStream(signaturesStreamId(DOCTOR, documentOf("rx-1")));
    const data = recorded?.data as { value: string; signedAt: string; documentHash: string } | undefined;
    if (data === undefined) throw new Error("the signature made during the race was not recorded");
    const signature = {
      signerId: DOCTOR,
      certificateSerial: certificate.serial,
      algorithm: "ECDSA_P256_SHA256",
      value: Buffer.from(data.value, "base64"),
      signedAt: data.signedAt,
      documentHash: Buffer.from(data.documentHash, "hex"),
    };
    expect(await signatures.verify(submitter, { canonicalDocument: documentOf("rx-1"), signature, expectedSignerId: DOCTOR })).toEqual({ valid: false, reasonCode: "CERTIFICATE_REVOKED" });
  });

  it("IDN-09 (reqcpu): SignDocument answers VerifySignature's verdict on the signature it made, reading the keys twice and nothing more", async () => {
    store = SqliteEventStore.open({ path: ":memory:" });
    const reads: string[] = [];
    const counting: EventStore = Object.assign(Object.create(store) as EventStore, {
      readStream: (...args: Parameters<EventStore["readStream"]>) => {
        reads.push(args[0]);
        return store.readStream(...args);
      },
    });
    const signatures = await signaturesOn(counting);
    await signatures.enrol(admin, { requestId: "enrol-0001", practitionerId: DOCTOR, algorithm: "" });
    reads.length = 0;
    const first = await signed(signatures, "sign-0001", "rx-1");
    // Keys before signing, the document's signatures stream (the append's check), keys again for a racing revocation.
    expect(reads).toEqual([`identity-signing-${DOCTOR}`, signaturesStreamId(DOCTOR, documentOf("rx-1")), `identity-signing-${DOCTOR}`]);
    expect(first.verification).toEqual({ valid: true, reasonCode: "" });
    expect(first.verification).toEqual(await signatures.verify(submitter, { canonicalDocument: documentOf("rx-1"), signature: first.signature, expectedSignerId: DOCTOR }));
    // A repeated request id answers the first signature with the same verdict.
    const again = await signed(signatures, "sign-0001", "rx-1");
    expect(again.signature.value.equals(first.signature.value)).toBe(true);
    expect(again.verification).toEqual({ valid: true, reasonCode: "" });
  });
});
