import {
  hospitalGradeToJSON,
  InstitutionRegistered,
  LicenceChanged,
  professionToJSON,
  RegulatorConnectionChanged,
  StaffRecordChanged,
} from "@ihp/contracts/identity";
import { type FactDecoder, sourceMessageDecoder } from "./sourceEnvelope.js";

// The identity events the feed reports, each with its decoder. Anything else on ihp.identity.v1.> is ignored. The
// whole decoded event goes on: the domain's minimum-necessary mapping is the one place that picks fields.
const DECODERS: Readonly<Record<string, FactDecoder>> = {
  InstitutionRegistered: (payload) => {
    const { institution } = InstitutionRegistered.decode(payload);
    if (institution === undefined) throw new Error("InstitutionRegistered without an institution");
    const grade = hospitalGradeToJSON(institution.grade);
    return { type: "InstitutionRegistered", institution: { ...institution, grade } };
  },
  LicenceChanged: (payload) => ({ ...LicenceChanged.decode(payload), type: "LicenceChanged" }),
  RegulatorConnectionChanged: (payload) => ({
    ...RegulatorConnectionChanged.decode(payload),
    type: "RegulatorConnectionChanged",
  }),
  StaffRecordChanged: (payload) => {
    const record = StaffRecordChanged.decode(payload);
    return { ...record, type: "StaffRecordChanged", profession: professionToJSON(record.profession) };
  },
};

/** Reads an ihp.identity.v1 bus message (content type "application/x-protobuf; proto=ihp.identity.v1.<Type>"). */
export const decodeIdentityMessage = sourceMessageDecoder("ihp.identity.v1", DECODERS);
