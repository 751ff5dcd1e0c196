import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { compareManifests, type CustodyCommand, custodyDecider, type CustodyEvent, type ManifestItem, recordRetention } from "../../src/domain/index.js";
import { AT, committer, eventsOf, INSTITUTION, NATIONAL, VISIT } from "./support/fixtures.js";

const SENT: ManifestItem[] = [
  { kind: "RECORD", id: "doc-1", sha256: "1".repeat(64) },
  { kind: "RECORD", id: "doc-2", sha256: "2".repeat(64) },
  { kind: "BLOB", id: "media-1", sha256: "3".repeat(64) },
];
const base = { institutionId: INSTITUTION, committer: committer("admin-1", "institution_admin"), at: AT };
const designate: CustodyCommand = { ...base, type: "DesignateSuccessor", successorInstitutionId: "inst-successor", successorName: "接收医院", designationRef: "津卫函〔2030〕1号" };
const verify = (received = SENT): CustodyCommand => ({ ...base, type: "VerifyTransfer", transferId: "transfer-1", sent: SENT, received });
const close: CustodyCommand = { ...base, type: "CloseCustodian" };

function run(...commands: CustodyCommand[]): CustodyEvent[] {
  const events: CustodyEvent[] = [];
  for (const command of commands) events.push(...eventsOf(custodyDecider.decide(command, events.reduce(custodyDecider.evolve, custodyDecider.initialState))));
  return events;
}

describe("compareManifests", () => {
  it("REC-13: names missing, altered and unexpected items; matches only when every hash arrived unchanged", () => {
    expect(compareManifests(SENT, [...SENT].reverse()).ok).toBe(true);
    const received = [SENT[0]!, { ...SENT[2]!, sha256: "9".repeat(64) }, { kind: "BLOB" as const, id: "stray", sha256: "4".repeat(64) }];
    const check = compareManifests(SENT, received);
    expect(check).toEqual({ ok: false, missing: [SENT[1]], altered: [SENT[2]], unexpected: [received[2]] });
    expect(compareManifests(SENT, [...SENT, { kind: "BLOB", id: "stray", sha256: "4".repeat(64) }]).ok).toBe(false);
    // Same id, different kind: a record is not a blob.
    expect(compareManifests(SENT, SENT.map((i) => ({ ...i, kind: i.kind === "RECORD" ? ("BLOB" as const) : ("RECORD" as const) }))).ok).toBe(false);
  });
});

describe("custodyDecider", () => {
  it("REC-13: a rename changes the name only: no record id or retention clock depends on it", () => {
    const before = recordRetention(NATIONAL, VISIT, []);
    const events = run({ ...base, type: "RenameCustodian", newName: "天津新名医院" });
    expect(events).toMatchObject([{ type: "CustodianRenamed", data: { institutionId: INSTITUTION, newName: "天津新名医院", contribution: { changeType: "modification" } } }]);
    expect(recordRetention(NATIONAL, VISIT, [])).toEqual(before);
    expect(Object.keys(events[0]!.data).sort()).toEqual(["contribution", "institutionId", "newName"]);
  });

  it("REC-13: closing is refused without a designated successor, then without a verified transfer", () => {
    given(custodyDecider).when(close).thenError("SUCCESSOR_REQUIRED", "REC-13");
    given(custodyDecider).when(verify()).thenError("SUCCESSOR_REQUIRED", "REC-13");
    given(custodyDecider, run(designate)).when(close).thenError("TRANSFER_NOT_VERIFIED", "REC-13");
    given(custodyDecider).when({ ...designate, successorInstitutionId: INSTITUTION }).thenError("SUCCESSOR_IS_SELF", "REC-13");
  });

  it("REC-13: a transfer whose receipt does not match is refused; a matching one verifies and lets the custodian close", () => {
    const error = given(custodyDecider, run(designate)).when(verify(SENT.slice(1))).thenError("TRANSFER_MISMATCH", "REC-13");
    expect(error.message).toContain("missing 1");
    const events = run(designate, verify(), close);
    expect(events.map((e) => e.type)).toEqual(["SuccessorDesignated", "TransferVerified", "CustodianClosed"]);
    expect(events[1]).toMatchObject({ data: { successorInstitutionId: "inst-successor", records: 2, blobs: 1, contribution: { lifecycle: "verify" } } });
    given(custodyDecider, events).when({ ...base, type: "RenameCustodian", newName: "x" }).thenError("CUSTODIAN_CLOSED", "REC-13");
  });

  it("XC-03: only the institution's own staff act on its custody; the health authority designates the successor", () => {
    given(custodyDecider).when({ ...base, type: "RenameCustodian", newName: "x", committer: committer("admin-x", "institution_admin", "inst-other") }).thenError("NOT_CUSTODIAN", "XC-03");
    given(custodyDecider).when({ ...designate, committer: committer("admin-x", "institution_admin", "inst-other") }).thenError("NOT_CUSTODIAN");
    expect(run({ ...designate, committer: committer("official-1", "regulator", "authority-tj") })[0]?.type).toBe("SuccessorDesignated");
  });

  it("REC-13: a new designation needs its own verified transfer", () => {
    const redesignated = run(designate, verify(), { ...designate, successorInstitutionId: "inst-other" });
    given(custodyDecider, redesignated).when(close).thenError("TRANSFER_NOT_VERIFIED", "REC-13");
    // Back to the first successor: the old verification does not count again.
    given(custodyDecider, [...redesignated, ...run(designate)]).when(close).thenError("TRANSFER_NOT_VERIFIED");
  });
});
