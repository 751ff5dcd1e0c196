import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { confirmedVersion, documentAt, recordDecider, versionHistory } from "../../src/domain/index.js";
import {
  AT,
  attestCmd,
  archiveCmd,
  AUTHOR,
  committer,
  DOC,
  eventsOf,
  fold,
  history,
  hoursAfter,
  MEDIA,
  NATIONAL,
  originate,
  recordOf,
  SECTIONS,
  SETTINGS,
  signature,
  SUPERVISOR,
} from "./support/fixtures.js";

const amendCmd = (at = hoursAfter(1), chiefComplaint = "头晕两周复诊") =>
  ({ type: "AmendRecord", documentId: DOC, sections: { ...SECTIONS, chiefComplaint }, addMedia: [], settings: SETTINGS, committer: committer(AUTHOR), at }) as const;
const cosignCmd = (qualified = true, by = SUPERVISOR, version = 1) =>
  ({
    type: "CosignRecord",
    documentId: DOC,
    version,
    signature: signature(by),
    tsaSkewSeconds: 0,
    settings: SETTINGS,
    supervisor: { practitionerId: by, name: "李主任", qualified },
    committer: committer(by),
    at: hoursAfter(3),
  }) as const;
const addendumCmd = (addendumId = "add-1", by = AUTHOR) =>
  ({
    type: "AttestAddendum",
    documentId: DOC,
    addendumId,
    text: "补充：过敏史为青霉素过敏",
    reason: "病史补充",
    signature: signature(by),
    tsaSkewSeconds: 0,
    settings: SETTINGS,
    committer: committer(by),
    at: hoursAfter(100),
  }) as const;

describe("OriginateRecord", () => {
  it("REC-01: the draft from a closed consult is version 1 with header, media, author, the profile version and an openEHR contribution", () => {
    const [event] = eventsOf(recordDecider.decide(originate(), recordDecider.initialState));
    expect(event).toMatchObject({
      type: "RecordOriginated",
      data: {
        documentId: DOC,
        header: { patient: { hisPatientId: "HIS-7" }, consultId: "consult-1" },
        media: [{ mediaId: "media-1" }],
        profileVersion: NATIONAL.version,
        contribution: { committer: { id: "records", role: "records" }, committedAt: AT.toISOString(), changeType: "creation", lifecycle: "originate" },
      },
    });
    const record = recordOf([event!]);
    expect(record.status).toBe("DRAFT");
    expect(documentAt(record)?.header.version).toBe(1);
  });

  it("REC-01: refuses a second origination, a malformed header or media hash", () => {
    given(recordDecider, history(originate())).when(originate()).thenError("RECORD_ALREADY_EXISTS", "REC-01");
    const bad = originate();
    given(recordDecider).when({ ...bad, header: { ...bad.header, visitAt: "2026-03-15 10:00" } }).thenError("INVALID_RECORD_INPUT");
    given(recordDecider).when({ ...bad, media: [{ ...MEDIA, sha256: "xyz" }] }).thenError("INVALID_RECORD_INPUT");
    given(recordDecider).when({ ...bad, documentId: "other" }).thenError("INVALID_RECORD_INPUT");
  });
});

describe("AmendRecord", () => {
  it("REC-04: every write is a new whole version with operator, server time, change type and a diff from the one before", () => {
    const events = history(originate(), amendCmd(hoursAfter(1)), attestCmd(hoursAfter(2), 2), amendCmd(hoursAfter(3), "头晕三周复诊"));
    const record = recordOf(events);
    expect(record.versions.map((v) => v.version)).toEqual([1, 2, 3]);
    const [, second, third] = versionHistory(record);
    expect(second).toMatchObject({ version: 2, contribution: { committer: { id: AUTHOR }, committedAt: hoursAfter(1).toISOString(), changeType: "modification" } });
    expect(second?.changes).toEqual([{ path: "sections.chiefComplaint", op: "changed", before: "头晕复诊", after: "头晕两周复诊" }]);
    // Changing signed content is an amendment and takes the record back to DRAFT; the old version stays readable.
    expect(third?.contribution.changeType).toBe("amendment");
    expect(record.status).toBe("DRAFT");
    expect(documentAt(record, 1)?.sections.chiefComplaint).toBe("头晕复诊");
    expect(documentAt(record, 2)?.signatures).toHaveLength(1);
  });

  it("REC-04: refuses an amendment that changes nothing, or one by someone other than the author", () => {
    given(recordDecider, history(originate())).when(amendCmd(hoursAfter(1), SECTIONS.chiefComplaint)).thenError("AMENDMENT_EMPTY", "REC-04");
    given(recordDecider, history(originate())).when({ ...amendCmd(), committer: committer("dr-other") }).thenError("NOT_RECORD_AUTHOR", "REC-05");
  });

  it("REC-05: edits are refused after the configured time limit, allowed up to it", () => {
    given(recordDecider, history(originate())).when(amendCmd(new Date(hoursAfter(24).getTime() + 1))).thenError("EDIT_WINDOW_CLOSED", "REC-05");
    expect(eventsOf(recordDecider.decide(amendCmd(hoursAfter(24)), fold(history(originate()))))).toHaveLength(1);
  });
});

describe("AttestRecord and CosignRecord", () => {
  it("REC-04: the author's signature confirms the record with the author's name and completion time", () => {
    const events = history(originate(), attestCmd());
    expect(events[1]).toMatchObject({
      type: "RecordAttested",
      data: { status: "SIGNED", completedAt: hoursAfter(1).toISOString(), signature: { signerId: AUTHOR, role: "AUTHOR" }, contribution: { changeType: "attestation", lifecycle: "attest" } },
    });
    const record = recordOf(events);
    expect([record.status, record.completedAt, documentAt(record)?.author.name]).toEqual(["SIGNED", hoursAfter(1).toISOString(), "王医生"]);
  });

  it("REC-05: a trainee's record stays PENDING_COSIGN until a qualified supervisor co-signs", () => {
    const trainee = originate({ author: { practitionerId: AUTHOR, name: "王医生", needsCosign: true } });
    const pending = history(trainee, attestCmd());
    expect(recordOf(pending)).toMatchObject({ status: "PENDING_COSIGN", completedAt: null });
    given(recordDecider, pending).when(archiveCmd()).thenError("RECORD_NOT_SIGNED", "REC-06");
    given(recordDecider, pending).when(cosignCmd(false)).thenError("COSIGNER_NOT_QUALIFIED", "REC-05");
    given(recordDecider, pending).when(cosignCmd(true, AUTHOR)).thenError("COSIGNER_IS_AUTHOR", "REC-05");
    const signed = recordOf([...pending, ...eventsOf(recordDecider.decide(cosignCmd(), fold(pending)))]);
    expect(signed).toMatchObject({ status: "SIGNED", cosigner: { practitionerId: SUPERVISOR }, completedAt: hoursAfter(3).toISOString() });
    given(recordDecider, history(originate(), attestCmd())).when(cosignCmd()).thenError("NOT_PENDING_COSIGN", "REC-05");
  });

  it("REC-04: refuses signing a version that is not the current one, an incomplete record, or a second signature", () => {
    given(recordDecider, history(originate(), amendCmd())).when(attestCmd(hoursAfter(2), 1)).thenError("STALE_VERSION", "REC-04");
    const incomplete = originate({ sections: { ...SECTIONS, diagnoses: [] } });
    given(recordDecider, history(incomplete)).when(attestCmd()).thenError("RECORD_INCOMPLETE", "REC-01");
    given(recordDecider, history(originate(), attestCmd())).when(attestCmd()).thenError("RECORD_NOT_DRAFT", "REC-04");
    given(recordDecider, history(originate())).when({ ...attestCmd(), signature: signature("dr-other") }).thenError("NOT_RECORD_AUTHOR");
  });

  it("REC-07: a signature needs a trusted timestamp; signing stops when the skew exceeds the threshold", () => {
    const base = history(originate());
    given(recordDecider, base).when({ ...attestCmd(), signature: signature(AUTHOR, { timestampToken: "" }) }).thenError("TIMESTAMP_REQUIRED", "REC-07");
    given(recordDecider, base).when(attestCmd(hoursAfter(1), 1, 2.001)).thenError("CLOCK_SKEW_TOO_LARGE", "REC-07");
    given(recordDecider, base).when(attestCmd(hoursAfter(1), 1, -3)).thenError("CLOCK_SKEW_TOO_LARGE", "REC-07");
    expect(eventsOf(recordDecider.decide(attestCmd(hoursAfter(1), 1, -2), fold(base)))[0]).toMatchObject({ data: { tsaSkewSeconds: -2 } });
  });
});

describe("confirmedVersion", () => {
  it("REC-08: a patient is shown the latest confirmed version: none for a draft, the signed one while an amendment is drafted", () => {
    expect(confirmedVersion(recordOf(history(originate())))).toBeUndefined();
    expect(confirmedVersion(recordOf(history(originate(), attestCmd())))).toBe(1);
    expect(confirmedVersion(recordOf(history(originate(), attestCmd(), amendCmd(hoursAfter(2)))))).toBe(1);
  });

  it("REC-05: a trainee's record is confirmed only once co-signed", () => {
    const pending = history(originate({ author: { practitionerId: AUTHOR, name: "王医生", needsCosign: true } }), attestCmd());
    expect(confirmedVersion(recordOf(pending))).toBeUndefined();
    const cosigned = [...pending, ...eventsOf(recordDecider.decide(cosignCmd(), fold(pending)))];
    expect(confirmedVersion(recordOf(cosigned))).toBe(1);
  });
});

describe("ArchiveRecord and addenda", () => {
  const archived = () => history(originate(), attestCmd(), archiveCmd());

  it("REC-06: an archived record refuses every change except a signed addendum linked to its parent version", () => {
    given(recordDecider, archived()).when(amendCmd(hoursAfter(3))).thenError("RECORD_ARCHIVED", "REC-06");
    given(recordDecider, archived()).when(attestCmd()).thenError("RECORD_ARCHIVED", "REC-06");
    given(recordDecider, archived()).when(archiveCmd()).thenError("RECORD_ARCHIVED", "REC-06");
    const events = [...archived(), ...eventsOf(recordDecider.decide(addendumCmd(), fold(archived())))];
    expect(events.at(-1)).toMatchObject({
      type: "AddendumAttested",
      data: { addendumId: "add-1", parentVersion: 1, signature: { signerId: AUTHOR }, contribution: { changeType: "amendment", lifecycle: "amend" } },
    });
    const record = recordOf(events);
    expect([record.status, record.versions.length, record.addenda.length]).toEqual(["ARCHIVED", 1, 1]);
  });

  it("REC-06: refuses an addendum on a draft, by a stranger, without a timestamp, or reusing an id", () => {
    given(recordDecider, history(originate())).when(addendumCmd()).thenError("RECORD_NOT_SIGNED", "REC-06");
    given(recordDecider, archived()).when(addendumCmd("add-1", "dr-other")).thenError("NOT_RECORD_AUTHOR");
    given(recordDecider, archived()).when({ ...addendumCmd(), signature: signature(AUTHOR, { timestampToken: "" }) }).thenError("TIMESTAMP_REQUIRED", "REC-07");
    const withOne = [...archived(), ...eventsOf(recordDecider.decide(addendumCmd(), fold(archived())))];
    given(recordDecider, withOne).when(addendumCmd()).thenError("INVALID_RECORD_INPUT");
  });

  it("XC-03: staff and services act only on records their institution keeps", () => {
    const elsewhere = (id: string, role: string) => committer(id, role, "inst-other");
    given(recordDecider).when({ ...originate(), committer: elsewhere("records", "records") }).thenError("NOT_CUSTODIAN", "XC-03");
    given(recordDecider, history(originate())).when({ ...amendCmd(), committer: elsewhere(AUTHOR, "physician") }).thenError("NOT_CUSTODIAN", "XC-03");
    given(recordDecider, archived()).when({ ...archiveCmd(), committer: elsewhere("officer-x", "records_officer") }).thenError("NOT_CUSTODIAN");
  });

  it("refuses commands on a record that does not exist", () => {
    given(recordDecider).when(amendCmd()).thenError("RECORD_NOT_FOUND");
  });
});
