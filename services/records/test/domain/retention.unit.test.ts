import type { JurisdictionProfile } from "@ihp/jurisdiction";
import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { destroyableFrom, dueOn, lastVisit, mediaRetention, type RecordCommand, recordDecider, recordRetention, retentionSubjectsOf, type RetentionSubject } from "../../src/domain/index.js";
import {
  archiveCmd,
  attestCmd,
  committer,
  DOC,
  eventsOf,
  fold,
  HEAD,
  history,
  MEDIA,
  NATIONAL,
  onDay,
  originate,
  PATIENT,
  recordOf,
  VISIT,
  YINCHUAN,
} from "./support/fixtures.js";

const signed = () => history(originate(), attestCmd(), archiveCmd());
const facts = (profile: JurisdictionProfile = NATIONAL, lastVisitAt = VISIT) => ({ profile, lastVisitAt, prescriptionClasses: [] });
const approve = (day: string, over: Partial<Extract<RecordCommand, { type: "ApproveDestruction" }>> = {}) =>
  ({
    type: "ApproveDestruction",
    documentId: DOC,
    approvalId: "approval-1",
    approver: { id: HEAD, institutionHead: true },
    ...facts(),
    committer: committer(HEAD, "institution_admin"),
    at: onDay(day),
    ...over,
  }) as const;
const destroy = (day: string, lastVisitAt = VISIT) =>
  ({ type: "DestroyRecord", documentId: DOC, approvalId: "approval-1", ...facts(NATIONAL, lastVisitAt), committer: committer(HEAD, "institution_admin"), at: onDay(day) }) as const;
const hold = (holdId = "hold-1") => ({ type: "PlaceLegalHold", documentId: DOC, holdId, reasonCode: "LITIGATION", committer: committer("officer", "records_officer"), at: onDay("2030-01-01") }) as const;
const destroyMedia = (day: string, approver = { id: HEAD, institutionHead: true }) =>
  ({ type: "DestroyMedia", documentId: DOC, mediaId: MEDIA.mediaId, approver, profile: NATIONAL, committer: committer(HEAD, "institution_admin"), at: onDay(day) }) as const;

describe("record destruction (REC-02, PHA-09)", () => {
  it("REC-02: 14 years 364 days after the last visit is refused; the period's last day too; the day after, with the head's approval, allowed", () => {
    given(recordDecider, signed()).when(approve("2041-03-14")).thenError("RETENTION_NOT_OVER", "REC-02");
    const lastDay = given(recordDecider, signed()).when(approve("2041-03-15")).thenError("RETENTION_NOT_OVER");
    expect(lastDay.message).toContain("kept through 2041-03-15 (national@2026-01-01#1)");
    const [approved] = eventsOf(recordDecider.decide(approve("2041-03-16"), fold(signed())));
    expect(approved).toMatchObject({ type: "DestructionApproved", data: { approvedBy: HEAD, retainUntil: "2041-03-15", profileVersion: NATIONAL.version } });
  });

  it("REC-02: a visit in between moves the clock, at approval and again at destruction", () => {
    given(recordDecider, signed()).when(approve("2041-03-16", { lastVisitAt: "2030-06-01T09:00:00+08:00" })).thenError("RETENTION_NOT_OVER", "REC-02");
    const approved = [...signed(), ...eventsOf(recordDecider.decide(approve("2041-03-16"), fold(signed())))];
    given(recordDecider, approved).when(destroy("2041-03-17", "2030-06-01T09:00:00+08:00")).thenError("RETENTION_NOT_OVER", "REC-02");
    given(recordDecider, signed()).when(approve("2041-03-16", { lastVisitAt: "2020-01-01T09:00:00+08:00" })).thenError("LAST_VISIT_INCONSISTENT", "REC-02");
  });

  it("PHA-09: destruction needs the institution head's approval event and leaves a tombstone with no clinical content", () => {
    given(recordDecider, signed()).when(approve("2041-03-16", { approver: { id: HEAD, institutionHead: false } })).thenError("DESTRUCTION_APPROVER_NOT_HEAD", "PHA-09");
    given(recordDecider, signed()).when(approve("2041-03-16", { approver: { id: "someone-else", institutionHead: true } })).thenError("DESTRUCTION_APPROVER_NOT_HEAD");
    given(recordDecider, signed()).when(destroy("2041-03-16")).thenError("DESTRUCTION_NOT_APPROVED", "PHA-09");
    const approved = [...signed(), ...eventsOf(recordDecider.decide(approve("2041-03-16"), fold(signed())))];
    const [tombstone] = eventsOf(recordDecider.decide(destroy("2041-03-17"), fold(approved)));
    expect(tombstone).toMatchObject({
      type: "RecordDestroyed",
      data: { documentId: DOC, setId: "set-1", versions: 1, mediaIds: [MEDIA.mediaId], approvalId: "approval-1", approvedBy: HEAD, contribution: { changeType: "deleted", lifecycle: "destroy" } },
    });
    const text = JSON.stringify(tombstone);
    for (const clear of ["头晕", "张三", PATIENT, "I10"]) expect(text).not.toContain(clear);
    const destroyed = [...approved, tombstone!];
    expect(recordOf(destroyed)).toMatchObject({ status: "DESTROYED", versions: [] });
    given(recordDecider, destroyed).when(destroy("2041-03-18")).thenError("RECORD_DESTROYED", "REC-02");
    given(recordDecider, destroyed).when(hold()).thenError("RECORD_DESTROYED");
  });

  it("PHA-09: a record with prescriptions is kept max(REC-02, Rx Measures art. 50 by class)", () => {
    expect(recordRetention(NATIONAL, VISIT, ["narcotic"]).retainUntil).toBe("2041-03-15");
    // A profile where prescriptions are not EMR content and the record period is short: art. 50's 3 years win.
    const short: JurisdictionProfile = {
      ...NATIONAL,
      settings: { ...NATIONAL.settings, retention: { ...NATIONAL.settings.retention, clinicalRecordYears: 1, prescriptionsAreClinicalRecords: false } },
    };
    expect(recordRetention(short, VISIT, []).retainUntil).toBe("2027-03-15");
    expect(recordRetention(short, VISIT, ["ordinary", "narcotic", "medical_toxic"]).retainUntil).toBe("2029-03-15");
    given(recordDecider, signed()).when(approve("2028-01-01", { profile: short, prescriptionClasses: ["narcotic"] })).thenError("RETENTION_NOT_OVER", "REC-02");
    expect(eventsOf(recordDecider.decide(approve("2029-03-16", { profile: short, prescriptionClasses: ["narcotic"] }), fold(signed())))).toHaveLength(1);
  });

  it("REC-02: under the Yinchuan profile the period is 30 years, and the event records that profile's version (XC-08)", () => {
    given(recordDecider, signed()).when(approve("2041-03-16", { profile: YINCHUAN })).thenError("RETENTION_NOT_OVER", "REC-02");
    const [approved] = eventsOf(recordDecider.decide(approve("2056-03-16", { profile: YINCHUAN }), fold(signed())));
    expect(approved).toMatchObject({ data: { retainUntil: "2056-03-15", profileVersion: YINCHUAN.version } });
    expect(YINCHUAN.version).toMatch(/^yinchuan@/);
  });
});

describe("legal hold", () => {
  it("REC-02: a held record is never destroyed, however late; removing the hold allows it again", () => {
    const held = [...signed(), ...eventsOf(recordDecider.decide(hold(), fold(signed())))];
    expect(held.at(-1)).toMatchObject({ type: "LegalHoldPlaced", data: { contribution: { lifecycle: "hold" } } });
    given(recordDecider, held).when(approve("2090-01-01")).thenError("LEGAL_HOLD_ACTIVE", "REC-02");
    given(recordDecider, held).when(destroyMedia("2090-01-01")).thenError("LEGAL_HOLD_ACTIVE");
    given(recordDecider, held).when(hold()).thenError("HOLD_ALREADY_PLACED");
    const unheld = [...held, ...eventsOf(recordDecider.decide({ ...hold(), type: "RemoveLegalHold" }, fold(held)))];
    expect(unheld.at(-1)).toMatchObject({ type: "LegalHoldRemoved", data: { contribution: { lifecycle: "unhold" } } });
    expect(eventsOf(recordDecider.decide(approve("2090-01-01"), fold(unheld)))).toHaveLength(1);
    given(recordDecider, unheld).when({ ...hold(), type: "RemoveLegalHold" }).thenError("HOLD_NOT_FOUND");
  });

  it("REC-02: a hold placed after the approval still blocks the destruction", () => {
    const approved = [...signed(), ...eventsOf(recordDecider.decide(approve("2041-03-16"), fold(signed())))];
    const held = [...approved, ...eventsOf(recordDecider.decide(hold(), fold(approved)))];
    given(recordDecider, held).when(destroy("2041-03-17")).thenError("LEGAL_HOLD_ACTIVE", "REC-02");
  });
});

describe("media destruction (REC-03)", () => {
  it("REC-03: 2 years 364 days after consult end is refused; 3 years completed is allowed while the record remains", () => {
    given(recordDecider, signed()).when(destroyMedia("2029-03-14")).thenError("MEDIA_RETENTION_NOT_OVER", "REC-03");
    given(recordDecider, signed()).when(destroyMedia("2029-03-15")).thenError("MEDIA_RETENTION_NOT_OVER", "REC-03");
    given(recordDecider, signed()).when(destroyMedia("2029-03-16", { id: HEAD, institutionHead: false })).thenError("DESTRUCTION_APPROVER_NOT_HEAD");
    const [destroyed] = eventsOf(recordDecider.decide(destroyMedia("2029-03-16"), fold(signed())));
    expect(destroyed).toMatchObject({ type: "MediaDestroyed", data: { mediaId: MEDIA.mediaId, sha256: MEDIA.sha256, retainUntil: "2029-03-15", approvedBy: HEAD } });
    const after = [...signed(), destroyed!];
    expect(recordOf(after)).toMatchObject({ status: "ARCHIVED", destroyedMedia: [MEDIA.mediaId] });
    expect(recordOf(after).versions).toHaveLength(1);
    given(recordDecider, after).when(destroyMedia("2029-03-17")).thenError("MEDIA_ALREADY_DESTROYED", "REC-03");
    given(recordDecider, after).when({ ...destroyMedia("2029-03-17"), mediaId: "nope" }).thenError("MEDIA_NOT_FOUND");
  });
});

describe("deletion request during retention (PIPL art. 47)", () => {
  const restrict = (by = PATIENT, guardianOfMinor = false) =>
    ({ type: "RestrictRecord", documentId: DOC, guardianOfMinor, ...facts(), committer: committer(by, "patient"), at: onDay("2027-05-01") }) as const;

  it("REC-02: the patient's deletion request restricts the record (kept, not processed) instead of destroying it", () => {
    const [event] = eventsOf(recordDecider.decide(restrict(), fold(signed())));
    expect(event).toMatchObject({ type: "RecordRestricted", data: { requestedBy: PATIENT, retainUntil: "2041-03-15", profileVersion: NATIONAL.version, contribution: { lifecycle: "restrict" } } });
    const restricted = [...signed(), event!];
    expect(recordOf(restricted).versions).toHaveLength(1);
    given(recordDecider, restricted).when(restrict()).thenError("ALREADY_RESTRICTED");
    const draft = history(originate(), { ...restrict(), at: onDay("2026-03-15") });
    given(recordDecider, draft).when({ ...attestCmd(), at: new Date("2026-03-15T11:00:00+08:00") }).thenError("RECORD_RESTRICTED", "REC-02");
    // After the period the restricted record is destroyed like any other: approval, then tombstone.
    expect(eventsOf(recordDecider.decide(approve("2041-03-16"), fold(restricted)))).toHaveLength(1);
  });

  it("REC-08: only the patient or a minor's verified guardian may ask", () => {
    given(recordDecider, signed()).when(restrict("someone-else")).thenError("NOT_RECORD_SUBJECT", "REC-08");
    expect(eventsOf(recordDecider.decide(restrict("guardian-1", true), fold(signed())))).toHaveLength(1);
  });
});

const mediaRetentionOf = () => mediaRetention(NATIONAL, VISIT);

describe("what falls due (the daily list)", () => {
  const subject = (documentId: string, over: Partial<Extract<RetentionSubject, { kind: "RECORD" }>> = {}): RetentionSubject => ({
    kind: "RECORD",
    documentId,
    profile: NATIONAL,
    lastVisitAt: VISIT,
    prescriptionClasses: [],
    held: false,
    sealed: false,
    destroyed: false,
    ...over,
  });
  const media: RetentionSubject = { kind: "MEDIA", documentId: "doc-a", mediaId: "m-1", profile: NATIONAL, consultEndedAt: VISIT, held: false, sealed: false, destroyed: false };
  const subjects = [
    subject("doc-a"),
    subject("doc-moved", { lastVisitAt: "2030-06-01T09:00:00+08:00" }),
    subject("doc-held", { held: true }),
    subject("doc-sealed", { sealed: true }),
    subject("doc-gone", { destroyed: true }),
    subject("doc-yc", { profile: YINCHUAN }),
    media,
  ];

  it("REC-02, REC-03: lists items past their period on that day, never held, sealed or destroyed ones", () => {
    expect(dueOn(subjects, "2029-03-15")).toEqual([]);
    expect(dueOn(subjects, "2029-03-16").map((d) => d.mediaId)).toEqual(["m-1"]);
    expect(dueOn(subjects, "2041-03-15").map((d) => d.documentId)).toEqual(["doc-a"]);
    expect(dueOn(subjects, "2041-03-16")).toEqual([
      { kind: "MEDIA", documentId: "doc-a", mediaId: "m-1", retainUntil: "2029-03-15", profileVersion: NATIONAL.version },
      { kind: "RECORD", documentId: "doc-a", mediaId: "", retainUntil: "2041-03-15", profileVersion: NATIONAL.version },
    ]);
    expect(dueOn(subjects, onDay("2056-03-16")).map((d) => d.documentId)).toEqual(["doc-a", "doc-a", "doc-moved", "doc-yc"]);
  });

  it("REC-03: a store taking an instant gets 00:00 Beijing time on the day after the last day kept", () => {
    expect(destroyableFrom(mediaRetentionOf()).toISOString()).toBe("2029-03-15T16:00:00.000Z");
  });

  it("REC-02: the patient's clock starts at the latest visit", () => {
    expect(lastVisit(["2026-03-15T10:00:00+08:00", "2030-06-01T09:00:00+08:00", "2028-01-01T09:00:00+08:00"])).toBe("2030-06-01T09:00:00+08:00");
    expect(lastVisit([])).toBeUndefined();
  });
});

describe("retentionSubjectsOf", () => {
  it("REC-02, REC-03: a record gives the daily job itself and its media, with hold, seal and destruction flags", () => {
    const record = recordOf(signed());
    const subjects = retentionSubjectsOf(record, facts());
    expect(subjects.map((s) => [s.kind, s.held, s.sealed, s.destroyed])).toEqual([
      ["RECORD", false, false, false],
      ["MEDIA", false, false, false],
    ]);
    expect(dueOn(subjects, "2041-03-16").map((d) => d.kind)).toEqual(["MEDIA", "RECORD"]);
    const held = recordOf([...signed(), ...eventsOf(recordDecider.decide(hold(), fold(signed())))]);
    expect(dueOn(retentionSubjectsOf(held, facts()), "2041-03-16")).toEqual([]);
    const mediaGone = recordOf([...signed(), ...eventsOf(recordDecider.decide(destroyMedia("2029-03-16"), fold(signed())))]);
    expect(dueOn(retentionSubjectsOf(mediaGone, facts()), "2041-03-16").map((d) => d.kind)).toEqual(["RECORD"]);
  });
});
