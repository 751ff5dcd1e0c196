/**
 * Commands as the adapter builds them from a request. Fields are raw input (strings as received) because checking
 * them is the decider's job: every rule sits in rules.ts, none in the adapters. Ids and time come from outside.
 */
export interface LicenceInput {
  readonly number: string;
  readonly validFrom: string;
  readonly validUntil: string;
}

export interface RegisterInstitution {
  readonly type: "RegisterInstitution";
  readonly institutionId: string;
  readonly name: string;
  /** One of GRADES; anything else is refused. */
  readonly grade: string;
  readonly licence: LicenceInput;
  readonly subjectCodes: readonly string[];
  readonly jurisdiction: string;
  readonly hostInstitutionName: string;
  readonly hostLicenceNumber: string;
  /** When the command is decided: an expired licence is refused. */
  readonly at: Date;
}

export interface ChangeLicence {
  readonly type: "ChangeLicence";
  readonly institutionId: string;
  readonly licence: LicenceInput;
  /** Replaces the approved subjects when non-empty; empty keeps them. */
  readonly subjectCodes: readonly string[];
  readonly at: Date;
}

export interface SetRegulatorConnection {
  readonly type: "SetRegulatorConnection";
  readonly institutionId: string;
  readonly connected: boolean;
  /** The platform's confirmation (接入确认) reference; required when connecting. */
  readonly platformReference: string;
}

export type InstitutionCommand = RegisterInstitution | ChangeLicence | SetRegulatorConnection;
