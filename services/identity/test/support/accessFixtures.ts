import { DomainError } from "@ihp/eventsourcing";
import { checkCharacter } from "../../src/domain/patients/index.js";
import type { PractitionerAccess, Profession } from "../../src/application/sessions/practitionerAccessPort.js";

/** An 18-character resident ID number with the right check character for a birth date "YYYY-MM-DD". */
export function residentId(birthDate: string, area = "110105", sequence = "123"): string {
  const first17 = `${area}${birthDate.replaceAll("-", "")}${sequence}`;
  return `${first17}${checkCharacter(first17)}`;
}

/** The same number with a wrong check character. */
export function withWrongCheck(number: string): string {
  const last = number.at(-1);
  return `${number.slice(0, 17)}${last === "1" ? "2" : "1"}`;
}

interface StandInPractitioner {
  readonly name: string;
  readonly profession: Profession;
  readonly institutionId: string;
  active: boolean;
}

/** PractitionerAccess over a map: what sessions and signing need, without the practitioners slice. */
export class PractitionerStandIn implements PractitionerAccess {
  readonly practitioners = new Map<string, StandInPractitioner>();

  add(id: string, practitioner: StandInPractitioner): void {
    this.practitioners.set(id, practitioner);
  }

  requireReceiving(input: { practitionerId: string }): Promise<{ profession: Profession; regulatorConnected: boolean }> {
    const practitioner = this.practitioners.get(input.practitionerId);
    if (practitioner === undefined) return Promise.reject(new Error("unknown practitioner in the stand-in"));
    return Promise.resolve({ profession: practitioner.profession, regulatorConnected: true });
  }

  requireReviewer(): Promise<{ affiliation: "IN_HOUSE" | "CONTRACTED"; dispensingYears: number }> {
    return Promise.resolve({ affiliation: "IN_HOUSE", dispensingYears: 5 });
  }

  requireAccountHolder(practitionerId: string): Promise<{ profession: Profession; institutionId: string }> {
    const practitioner = this.practitioners.get(practitionerId);
    if (practitioner === undefined) return Promise.reject(new DomainError("CLINICIAN_NOT_REGISTERED", "FAILED_PRECONDITION", "not registered", "IDN-01"));
    if (!practitioner.active) return Promise.reject(new DomainError("PRACTITIONER_NOT_ACTIVE", "FAILED_PRECONDITION", "not active", "IDN-01"));
    return Promise.resolve({ profession: practitioner.profession, institutionId: practitioner.institutionId });
  }

  signer(practitionerId: string) {
    const practitioner = this.practitioners.get(practitionerId);
    return Promise.resolve(practitioner === undefined ? undefined : { ...practitioner });
  }
}
