import { given } from "@ihp/testing";
import { describe, it } from "vitest";
import type { InstitutionLicenceEntry } from "../src/domain/feed/entries.js";
import type { RegisteredInstitutionFact } from "../src/domain/feed/facts.js";
import { feedDecider, type FeedEvent, type RecordFeedEntry } from "../src/domain/feed/feedDecider.js";

const institution: RegisteredInstitutionFact = {
  institutionId: "inst-1",
  name: "天津市第一互联网医院",
  grade: "HOSPITAL_GRADE_TERTIARY_A",
  licence: { number: "PDY-1", validFrom: "2026-01-01", validUntil: "2030-12-31" },
  subjectCodes: ["03.07"],
  jurisdiction: "tianjin",
  hostLicenceNumber: "12010011A1001",
};

const register: RecordFeedEntry = {
  sourceEventId: "ev-1",
  occurredAt: "2026-03-01T08:00:00.000Z",
  fact: { type: "InstitutionRegistered", institution },
};

const registeredLicence: InstitutionLicenceEntry = {
  name: "天津市第一互联网医院",
  grade: "HOSPITAL_GRADE_TERTIARY_A",
  licenceNumber: "PDY-1",
  licenceValidFrom: "2026-01-01",
  licenceValidUntil: "2030-12-31",
  subjectCodes: ["03.07"],
  hostLicenceNumber: "12010011A1001",
};

const registeredEntry: FeedEvent = {
  type: "FeedEntryRecorded",
  data: {
    sourceEventId: "ev-1",
    institutionId: "inst-1",
    jurisdiction: "tianjin",
    occurredAt: "2026-03-01T08:00:00.000Z",
    category: "INSTITUTION_LICENCE",
    entry: registeredLicence,
  },
};

const changeLicence: RecordFeedEntry = {
  sourceEventId: "ev-2",
  occurredAt: "2026-03-02T08:00:00.000Z",
  fact: {
    type: "LicenceChanged",
    institutionId: "inst-1",
    licence: { number: "PDY-2", validFrom: "2026-03-02", validUntil: "2031-03-01" },
    subjectCodes: [],
  },
};

const connect: RecordFeedEntry = {
  sourceEventId: "ev-3",
  occurredAt: "2026-03-03T08:00:00.000Z",
  fact: { type: "RegulatorConnectionChanged", institutionId: "inst-1", connected: true, platformReference: "TJ-JG-1" },
};

describe("feed decider", () => {
  it("REP-02: a registration is recorded as a licence entry under the institution's jurisdiction", () => {
    given(feedDecider).when(register).then([registeredEntry]);
  });

  it("REP-04: registered → a licence change entry carries the jurisdiction, name and grade from the registration", () => {
    given(feedDecider, [registeredEntry])
      .when(changeLicence)
      .then([
        {
          type: "FeedEntryRecorded",
          data: {
            sourceEventId: "ev-2",
            institutionId: "inst-1",
            jurisdiction: "tianjin",
            occurredAt: "2026-03-02T08:00:00.000Z",
            category: "INSTITUTION_LICENCE",
            entry: { ...registeredLicence, licenceNumber: "PDY-2", licenceValidFrom: "2026-03-02", licenceValidUntil: "2031-03-01" },
          },
        },
      ]);
  });

  it("REP-01: a connection change is recorded under the institution's jurisdiction", () => {
    given(feedDecider, [registeredEntry])
      .when(connect)
      .then([
        {
          type: "FeedEntryRecorded",
          data: {
            sourceEventId: "ev-3",
            institutionId: "inst-1",
            jurisdiction: "tianjin",
            occurredAt: "2026-03-03T08:00:00.000Z",
            category: "REGULATOR_CONNECTION",
            entry: { connected: true, platformReference: "TJ-JG-1" },
          },
        },
      ]);
  });

  it("REP-04: a licence change for an institution the feed does not know yet is refused as transient", () => {
    given(feedDecider).when(changeLicence).thenError("INSTITUTION_NOT_YET_KNOWN", "REP-04");
  });

  it("REP-04: a connection change for an institution the feed does not know yet is refused as transient", () => {
    given(feedDecider).when(connect).thenError("INSTITUTION_NOT_YET_KNOWN", "REP-04");
  });

  it("REP-04: a registration under a jurisdiction without a profile is refused", () => {
    given(feedDecider)
      .when({ ...register, fact: { type: "InstitutionRegistered", institution: { ...institution, jurisdiction: "beijing" } } })
      .thenError("INSTITUTION_JURISDICTION_UNKNOWN");
  });

  it("REP-04: an event without id, institution, time or (on a licence change) licence is refused", () => {
    given(feedDecider).when({ ...register, sourceEventId: "" }).thenError("FEED_SOURCE_INVALID");
    given(feedDecider).when({ ...register, occurredAt: "" }).thenError("FEED_SOURCE_INVALID");
    given(feedDecider)
      .when({ ...register, fact: { type: "InstitutionRegistered", institution: { ...institution, institutionId: "" } } })
      .thenError("FEED_SOURCE_INVALID");
    given(feedDecider, [registeredEntry])
      .when({ ...changeLicence, fact: { ...changeLicence.fact, licence: undefined } as RecordFeedEntry["fact"] })
      .thenError("FEED_SOURCE_INVALID");
  });

  it("REP-04: a change builds on the latest licence entry, not on the registration", () => {
    const renamed: FeedEvent = {
      type: "FeedEntryRecorded",
      data: {
        sourceEventId: "ev-0",
        institutionId: "inst-1",
        jurisdiction: "tianjin",
        occurredAt: "2026-03-01T08:00:00.000Z",
        category: "INSTITUTION_LICENCE",
        entry: { ...registeredLicence, name: "新名称", subjectCodes: ["04"] },
      },
    };
    given(feedDecider, [registeredEntry, renamed])
      .when(changeLicence)
      .then([
        {
          type: "FeedEntryRecorded",
          data: {
            sourceEventId: "ev-2",
            institutionId: "inst-1",
            jurisdiction: "tianjin",
            occurredAt: "2026-03-02T08:00:00.000Z",
            category: "INSTITUTION_LICENCE",
            entry: { ...registeredLicence, name: "新名称", subjectCodes: ["04"], licenceNumber: "PDY-2", licenceValidFrom: "2026-03-02", licenceValidUntil: "2031-03-01" },
          },
        },
      ]);
  });
});
