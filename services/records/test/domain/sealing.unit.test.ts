import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { type RecordCommand, type RecordEvent, recordDecider, sealSnapshot } from "../../src/domain/index.js";
import {
  attestation,
  attestCmd,
  archiveCmd,
  AUTHOR,
  committer,
  DOC,
  eventsOf,
  fold,
  HASH,
  HEAD,
  history,
  NATIONAL,
  onDay,
  originate,
  PATIENT,
  recordOf,
  SETTINGS,
  signature,
  VISIT,
} from "./support/fixtures.js";

const BOTH = [attestation("PATIENT_SIDE", PATIENT), attestation("INSTITUTION", "officer-zhao")];
const HASH2 = "d".repeat(64);
const sealCmd = (attestations = BOTH, at = onDay("2026-04-01")) =>
  ({ type: "SealRecord", documentId: DOC, sealId: "seal-1", version: 1, snapshotHash: HASH, attestations, committer: committer("officer-zhao", "records_officer"), at }) as const;
const incrementCmd = (attestations = BOTH.map((a) => ({ ...a, signedHash: HASH2 }))) =>
  ({ type: "SealIncrement", documentId: DOC, version: 1, snapshotHash: HASH2, attestations, committer: committer("officer-zhao", "records_officer"), at: onDay("2026-05-01") }) as const;
const unsealCmd = (day: string, attestations = [] as typeof BOTH) =>
  ({ type: "UnsealRecord", documentId: DOC, attestations, committer: committer("officer-zhao", "records_officer"), at: onDay(day) }) as const;
const addendum = { type: "AttestAddendum", documentId: DOC, addendumId: "add-1", text: "补充", reason: "补记", signature: signature(AUTHOR), tsaSkewSeconds: 0, settings: SETTINGS, committer: committer(AUTHOR), at: onDay("2026-04-20") } as const;

function then(events: RecordEvent[], command: RecordCommand): RecordEvent[] {
  return [...events, ...eventsOf(recordDecider.decide(command, fold(events)))];
}
const signed = () => history(originate(), attestCmd(), archiveCmd());
const sealed = () => then(signed(), sealCmd());

describe("SealRecord (REC-11)", () => {
  it("REC-11: both parties' attestations over the snapshot hash write the sealing list", () => {
    const events = sealed();
    expect(events.at(-1)).toMatchObject({
      type: "RecordSealed",
      data: { sealId: "seal-1", version: 1, snapshotHash: HASH, sealingList: BOTH, addendumIds: [], contribution: { lifecycle: "hold" } },
    });
    expect(recordOf(events).seal).toMatchObject({ disputeOpen: true, parts: [{ snapshotHash: HASH }] });
  });

  it("REC-11: a notary's attestation alone suffices when the patient refuses", () => {
    expect(eventsOf(recordDecider.decide(sealCmd([attestation("NOTARY", "notary-1")]), fold(signed())))).toHaveLength(1);
  });

  it("REC-11: refuses one side only, an attestation over another snapshot, or sealing twice", () => {
    given(recordDecider, signed()).when(sealCmd([attestation("INSTITUTION", "officer-zhao")])).thenError("SEAL_ATTESTATION_MISSING", "REC-11");
    given(recordDecider, signed()).when(sealCmd([attestation("PATIENT_SIDE", PATIENT)])).thenError("SEAL_ATTESTATION_MISSING", "REC-11");
    given(recordDecider, signed()).when(sealCmd([BOTH[0]!, attestation("INSTITUTION", "officer-zhao", HASH2)])).thenError("SEAL_ATTESTATION_MISSING");
    given(recordDecider, sealed()).when(sealCmd()).thenError("RECORD_ALREADY_SEALED", "REC-11");
  });

  it("REC-11: the original stays in use; a later addendum seals as an increment, and only once", () => {
    given(recordDecider, sealed()).when(incrementCmd()).thenError("NOTHING_TO_SEAL", "REC-11");
    const withAddendum = then(sealed(), addendum);
    const events = then(withAddendum, incrementCmd());
    expect(events.at(-1)).toMatchObject({ type: "SealIncremented", data: { sealId: "seal-1", increment: 1, addendumIds: ["add-1"], snapshotHash: HASH2 } });
    given(recordDecider, events).when(incrementCmd()).thenError("NOTHING_TO_SEAL");
    given(recordDecider, withAddendum).when(incrementCmd([attestation("INSTITUTION", "officer-zhao", HASH2)])).thenError("SEAL_ATTESTATION_MISSING");
    given(recordDecider, signed()).when(incrementCmd()).thenError("RECORD_NOT_SEALED", "REC-11");
  });

  it("REC-11: a sealed record cannot be destroyed", () => {
    const approve = {
      type: "ApproveDestruction",
      documentId: DOC,
      approvalId: "a-1",
      approver: { id: HEAD, institutionHead: true },
      profile: NATIONAL,
      lastVisitAt: VISIT,
      prescriptionClasses: [],
      committer: committer(HEAD),
      at: onDay("2050-01-01"),
    } as const;
    given(recordDecider, sealed()).when(approve).thenError("RECORD_SEALED", "REC-11");
  });
});

describe("UnsealRecord (REC-12)", () => {
  it("REC-12: refused without every sealing party while the dispute is open and 3 years have not passed", () => {
    given(recordDecider, sealed()).when(unsealCmd("2026-06-01")).thenError("UNSEAL_NOT_ALLOWED", "REC-12");
    given(recordDecider, sealed()).when(unsealCmd("2026-06-01", [BOTH[1]!])).thenError("UNSEAL_NOT_ALLOWED", "REC-12");
    given(recordDecider, sealed()).when(unsealCmd("2026-06-01", [BOTH[0]!, { ...BOTH[1]!, signedHash: HASH2 }])).thenError("UNSEAL_NOT_ALLOWED");
    given(recordDecider, signed()).when(unsealCmd("2026-06-01")).thenError("RECORD_NOT_SEALED");
  });

  it("REC-12: every sealing party present unseals", () => {
    const [event] = eventsOf(recordDecider.decide(unsealCmd("2026-06-01", BOTH), fold(sealed())));
    expect(event).toMatchObject({ type: "RecordUnsealed", data: { ground: "ALL_PARTIES", contribution: { lifecycle: "unhold" } } });
    expect(recordOf([...sealed(), event!]).seal).toBeNull();
  });

  it("REC-12: the institution may unseal alone once the dispute is resolved", () => {
    const resolved = then(sealed(), { type: "ResolveDispute", documentId: DOC, committer: committer("officer-zhao"), at: onDay("2026-09-01") });
    expect(eventsOf(recordDecider.decide(unsealCmd("2026-09-02"), fold(resolved)))[0]).toMatchObject({ data: { ground: "DISPUTE_RESOLVED" } });
    given(recordDecider, resolved).when({ type: "ResolveDispute", documentId: DOC, committer: committer("x"), at: onDay("2026-09-03") }).thenError("NO_OPEN_DISPUTE", "REC-12");
  });

  it("REC-12: alone after 3 full years sealed with no further claim; a claim restarts the 3 years", () => {
    // Sealed 2026-04-01: the 3 years run through 2029-04-01.
    given(recordDecider, sealed()).when(unsealCmd("2029-04-01")).thenError("UNSEAL_NOT_ALLOWED", "REC-12");
    expect(eventsOf(recordDecider.decide(unsealCmd("2029-04-02"), fold(sealed())))[0]).toMatchObject({ data: { ground: "THREE_YEARS_NO_CLAIM" } });
    const claimed = then(sealed(), { type: "LodgeDisputeClaim", documentId: DOC, claimId: "claim-1", committer: committer(PATIENT, "patient"), at: onDay("2027-04-01") });
    given(recordDecider, claimed).when(unsealCmd("2029-04-02")).thenError("UNSEAL_NOT_ALLOWED", "REC-12");
    expect(eventsOf(recordDecider.decide(unsealCmd("2030-04-02"), fold(claimed)))[0]).toMatchObject({ data: { ground: "THREE_YEARS_NO_CLAIM" } });
  });
});

describe("sealSnapshot", () => {
  it("REC-11: covers the current document and every addendum, so an increment's snapshot differs from the seal's", () => {
    const first = sealSnapshot(recordOf(sealed()));
    expect(first?.document.header.documentId).toBe(DOC);
    expect(first?.addenda).toEqual([]);
    const later = sealSnapshot(recordOf(then(sealed(), addendum)));
    expect(later?.addenda.map((a) => a.addendumId)).toEqual(["add-1"]);
  });
});
