import type { Decider, DomainError } from "@ihp/eventsourcing";
import { refusal } from "./errors.js";
import {
  checkEncounter,
  checkImagingReport,
  checkLabResult,
  type Diagnosis,
  type EncounterContent,
  type ImagingReportContent,
  type LabResultContent,
  type Observation,
} from "./messages.js";

/**
 * One HIS patient of one institution (stream integration-his-<institution>~<hisPatientId>): its link to the platform
 * patient and everything the hospital's systems attached to it. Pure: time and ids arrive in the command.
 */
interface Base {
  readonly institutionId: string;
  readonly hisPatientId: string;
  readonly messageId: string;
  readonly at: string;
}

export type HisPatientCommand =
  | (Base & { readonly type: "LinkPatient"; readonly patientId: string })
  | (Base & { readonly type: "RecordEncounter"; readonly encounter: EncounterContent })
  | (Base & { readonly type: "AttachLabResult"; readonly result: LabResultContent })
  | (Base & { readonly type: "AttachImagingReport"; readonly report: ImagingReportContent });

type EventBase = {
  readonly institutionId: string;
  readonly hisPatientId: string;
  readonly patientId: string;
  readonly messageId: string;
  readonly recordedAt: string;
};
type Plain<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? Plain<U>[] : T[K] };
export type EncounterData = EventBase & Plain<EncounterContent> & { diagnoses: Plain<Diagnosis>[] };
export type LabResultData = EventBase & Plain<LabResultContent> & { observations: Plain<Observation>[] };
export type ImagingReportData = EventBase & Plain<ImagingReportContent>;

export type HisPatientEvent =
  | { readonly type: "HisPatientLinked"; readonly data: EventBase }
  | { readonly type: "EncounterRecorded"; readonly data: EncounterData }
  | { readonly type: "LabResultAttached"; readonly data: LabResultData }
  | { readonly type: "ImagingReportAttached"; readonly data: ImagingReportData };

export const HIS_PATIENT_EVENT_TYPES = ["HisPatientLinked", "EncounterRecorded", "LabResultAttached", "ImagingReportAttached"] as const;

export interface HisPatientState {
  readonly patientId: string | undefined;
  readonly encounters: ReadonlyMap<string, EncounterData>;
  readonly labResults: ReadonlyMap<string, LabResultData>;
  readonly imagingReports: ReadonlyMap<string, ImagingReportData>;
}

const initialState: HisPatientState = { patientId: undefined, encounters: new Map(), labResults: new Map(), imagingReports: new Map() };

function withEntry<T>(map: ReadonlyMap<string, T>, key: string, value: T): ReadonlyMap<string, T> {
  return new Map(map).set(key, value);
}

function base(command: Base, patientId: string): EventBase {
  return { institutionId: command.institutionId, hisPatientId: command.hisPatientId, patientId, messageId: command.messageId, recordedAt: command.at };
}

function decide(command: HisPatientCommand, state: HisPatientState): readonly HisPatientEvent[] | DomainError {
  if (command.type === "LinkPatient") {
    // Relinking: the same patient again (an ADT^A08 update) is accepted and recorded as an exchange; another patient
    // is refused — a wrong link is corrected at the HIS and by the platform's support, never silently moved.
    if (state.patientId !== undefined && state.patientId !== command.patientId) return refusal("HIS_PATIENT_LINKED_ELSEWHERE");
    return [{ type: "HisPatientLinked", data: base(command, command.patientId) }];
  }
  const patientId = state.patientId;
  if (patientId === undefined) return refusal("HIS_PATIENT_NOT_LINKED");
  switch (command.type) {
    case "RecordEncounter": {
      const invalid = checkEncounter(command.encounter, command.at.slice(0, 10));
      if (invalid !== undefined) return invalid;
      if (state.encounters.has(command.encounter.encounterId)) return refusal("OBJECT_ALREADY_RECORDED", "encounter");
      const { encounter } = command;
      const diagnoses = encounter.diagnoses.map((d) => ({ code: d.code, name: d.name, version: d.version }));
      return [{ type: "EncounterRecorded", data: { ...base(command, patientId), ...encounter, diagnoses } }];
    }
    case "AttachLabResult": {
      const invalid = checkLabResult(command.result);
      if (invalid !== undefined) return invalid;
      if (state.labResults.has(command.result.reportId)) return refusal("OBJECT_ALREADY_RECORDED", "lab report");
      const observations = command.result.observations.map((o) => ({ ...o }));
      return [{ type: "LabResultAttached", data: { ...base(command, patientId), ...command.result, observations } }];
    }
    case "AttachImagingReport": {
      const invalid = checkImagingReport(command.report);
      if (invalid !== undefined) return invalid;
      if (state.imagingReports.has(command.report.reportId)) return refusal("OBJECT_ALREADY_RECORDED", "imaging report");
      return [{ type: "ImagingReportAttached", data: { ...base(command, patientId), ...command.report } }];
    }
  }
}

function evolve(state: HisPatientState, event: HisPatientEvent): HisPatientState {
  switch (event.type) {
    case "HisPatientLinked":
      return { ...state, patientId: event.data.patientId };
    case "EncounterRecorded":
      return { ...state, encounters: withEntry(state.encounters, event.data.encounterId, event.data) };
    case "LabResultAttached":
      return { ...state, labResults: withEntry(state.labResults, event.data.reportId, event.data) };
    case "ImagingReportAttached":
      return { ...state, imagingReports: withEntry(state.imagingReports, event.data.reportId, event.data) };
  }
}

export const hisPatientDecider: Decider<HisPatientCommand, HisPatientEvent, HisPatientState> = { initialState, decide, evolve };
