import { DomainError, fold } from "@ihp/eventsourcing";
import { type Practitioner, type PractitionerEvent, practitionerDecider, type requireReceiving, type StaffRecordChangedData } from "../../src/domain/practitioners/index.js";
import { AT, INSTITUTION, INSTITUTION_ID, NATIONAL, PRACTITIONER_ID, REGISTERED } from "./practitionerFixtures.js";

// Shared by the practitioner decider tests (practitioners.unit.test.ts, practitioners.rights.unit.test.ts).

export const id = PRACTITIONER_ID;
export const enable = { type: "EnablePractitioner", practitionerId: id, institution: INSTITUTION, settings: NATIONAL, at: AT } as const;

export function stateOf(events: readonly PractitionerEvent[]): Practitioner {
  const state = fold(practitionerDecider, events);
  if (state.status !== "registered") throw new Error("no practitioner");
  return state.practitioner;
}

export function codeOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error("expected a refusal");
}

export function staffRecord(change: StaffRecordChangedData["change"], active: boolean, data = REGISTERED): PractitionerEvent {
  return {
    type: "StaffRecordChanged",
    data: {
      practitionerId: id,
      institutionId: INSTITUTION_ID,
      change,
      profession: data.person.profession,
      name: data.person.name,
      idNumberSealed: data.person.idNumberSealed,
      licenceNumber: data.practice.licenceNumber,
      title: data.practice.title,
      scopeCodes: data.practice.scopeCodes,
      departmentCodes: data.practice.departmentCodes,
      mainInstitutionName: data.person.mainInstitutionName,
      practiceStartedOn: data.person.practiceStartedOn,
      photoHash: data.person.photoHash,
      active,
    },
  };
}

/** What requireReceiving is asked: the physician's own department, at the institution, now. */
export function receiving(overrides: Partial<Parameters<typeof requireReceiving>[1]> = {}) {
  return { institutionId: INSTITUTION_ID, departmentCode: "03.07", institutionSubjects: INSTITUTION.subjectCodes, at: AT, ...overrides };
}
