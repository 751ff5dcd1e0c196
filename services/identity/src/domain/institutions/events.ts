import type { DomainEvent } from "@ihp/eventsourcing";
import type { JurisdictionCode } from "@ihp/jurisdiction";
import type { Grade, Licence } from "./types.js";

// Event data are type aliases of plain JSON (arrays mutable, as JsonValue wants); what is stored is what was checked.

export type InstitutionRegisteredData = {
  readonly institutionId: string;
  readonly name: string;
  readonly grade: Grade;
  readonly licence: Licence;
  readonly subjectCodes: string[];
  readonly jurisdiction: JurisdictionCode;
  readonly hostInstitutionName: string;
  readonly hostLicenceNumber: string;
};

export type LicenceChangedData = {
  readonly institutionId: string;
  readonly licence: Licence;
  /** The full list of approved subjects after the change, not a difference. */
  readonly subjectCodes: string[];
};

export type RegulatorConnectionChangedData = {
  readonly institutionId: string;
  readonly connected: boolean;
  readonly platformReference: string;
};

export type InstitutionRegistered = DomainEvent<"InstitutionRegistered", InstitutionRegisteredData>;
export type LicenceChanged = DomainEvent<"LicenceChanged", LicenceChangedData>;
export type RegulatorConnectionChanged = DomainEvent<"RegulatorConnectionChanged", RegulatorConnectionChangedData>;

export type InstitutionEvent = InstitutionRegistered | LicenceChanged | RegulatorConnectionChanged;

export const INSTITUTION_EVENT_TYPES: ReadonlySet<string> = new Set<InstitutionEvent["type"]>([
  "InstitutionRegistered",
  "LicenceChanged",
  "RegulatorConnectionChanged",
]);

export function isInstitutionEventType(type: string): type is InstitutionEvent["type"] {
  return INSTITUTION_EVENT_TYPES.has(type);
}
