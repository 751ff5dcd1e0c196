import { canonicalJson, type Decider, DomainError, refusing } from "@ihp/eventsourcing";
import type { DrugCatalogue } from "@ihp/drug-catalogue";
import {
  beijingDay,
  isIsoDate,
  JURISDICTIONS,
  JurisdictionError,
  type JurisdictionProfile,
  prescriptionLastValidDay,
  profileAt,
} from "@ihp/jurisdiction";
import { refusal } from "../errors.js";
import type { PrescriptionCommand, SignPrescription } from "./commands.js";
import { prescriptionDocument } from "./document.js";
import type { PrescriptionEvent } from "./events.js";
import { checkConsultOpen, checkContent, checkGuardian, checkPrescriber, needsPatientConfirmation } from "./rules.js";
import { evolve, initialState, type Prescription, type PrescriptionState } from "./state.js";
import type { Actor, ConsultSnapshot, Content, ContentInput } from "./types.js";

/** The profile of the consult's jurisdiction in effect at `at` (XC-08); refused when there is none. */
function profileFor(jurisdiction: string, at: Date): JurisdictionProfile {
  const code = JURISDICTIONS.find((candidate) => candidate === jurisdiction);
  if (code === undefined) throw refusal("UNKNOWN_JURISDICTION");
  try {
    return profileAt(code, at);
  } catch (error) {
    if (error instanceof JurisdictionError && error.code === "NO_PROFILE_IN_EFFECT") throw refusal("NO_PROFILE_IN_EFFECT");
    throw error;
  }
}

/** profileFor for views: undefined where a command would be refused for want of a profile. */
export function profileInEffect(jurisdiction: string, at: Date): JurisdictionProfile | undefined {
  try {
    return profileFor(jurisdiction, at);
  } catch (error) {
    if (error instanceof DomainError) return undefined;
    throw error;
  }
}

function checkSnapshot(consult: ConsultSnapshot): void {
  if (!isIsoDate(consult.patientBirthDate) || consult.patientId === "" || consult.physicianId === "") {
    throw refusal("CONSULT_CONTEXT_INCOMPLETE");
  }
}

/** RX-01, RX-02: the consult context is complete, open to prescribing, and the actor may prescribe in it. */
function checkConsult(consult: ConsultSnapshot, actor: Actor): void {
  checkSnapshot(consult);
  checkConsultOpen(consult);
  checkPrescriber(consult, actor);
}

export function contentInputOf(content: Content): ContentInput {
  const { diagnoses: _diagnoses, lines, ...rest } = content;
  return {
    ...rest,
    lines: lines.map(({ lineId: _lineId, form: _form, strength: _strength, proposedBy: _proposedBy, confirmedBy: _confirmedBy, ...line }) => ({
      ...line,
      dose: String(line.dose),
      quantity: String(line.quantity),
    })),
  };
}

/** What signing at `at` will record, once every rule passed: the application allocates a serial and signs after this. */
export interface SigningPlan {
  readonly issuedOn: string;
  readonly validUntil: string;
  readonly profileVersion: string;
  readonly predecessorSerialNumber: string;
}

/**
 * Every rule signing checks (RX-01, RX-02, RX-04…RX-09 again on the current catalogue and consult, RX-05, RX-06,
 * RX-08 confirmation), before any serial number is allocated or signature made. Throws the first refusal.
 */
export function planSigning(
  catalogue: DrugCatalogue,
  state: PrescriptionState,
  command: Pick<SignPrescription, "version" | "consult" | "validityDays" | "actor" | "at">,
): SigningPlan {
  if (state.status === "none") throw refusal("PRESCRIPTION_NOT_FOUND");
  if (command.actor.kind !== "human") throw refusal("HUMAN_CLINICIAN_REQUIRED");
  if (state.status !== "DRAFT") throw state.review === "APPROVED" || state.review === "REJECTED" ? refusal("PRESCRIPTION_FINALISED") : refusal("PRESCRIPTION_NOT_DRAFT");
  if (command.version !== state.version) throw refusal("SIGNATURE_STALE");
  const { consult } = command;
  checkConsult(consult, command.actor);
  if (consult.patientId !== state.consult.patientId || consult.consultId !== state.consult.consultId) {
    throw refusal("CONSULT_CONTEXT_INCOMPLETE");
  }
  const profile = profileFor(consult.jurisdiction, command.at);
  const issuedOn = beijingDay(command.at);
  const { maxDays } = profile.settings.rxValidity;
  if (!Number.isSafeInteger(command.validityDays) || command.validityDays < 1) throw refusal("VALIDITY_TOO_LONG");
  if (command.validityDays > maxDays) throw refusal("VALIDITY_TOO_LONG", `${command.validityDays} days`);
  checkContent(contentInputOf(state.content), {
    consult,
    catalogue,
    profile,
    issuedOn,
    actor: command.actor,
    previous: state.content.lines,
  });
  if (state.content.lines.some((line) => line.proposedBy.kind !== "human" && line.confirmedBy === "")) {
    throw refusal("LINE_CONFIRMATION_REQUIRED");
  }
  checkGuardian(profile, consult, state.content, issuedOn);
  if (needsPatientConfirmation(profile, state.content) && !state.longTermConfirmed) {
    throw refusal("LONG_TERM_PATIENT_CONFIRMATION_REQUIRED");
  }
  return {
    issuedOn,
    validUntil: prescriptionLastValidDay(profile, issuedOn, command.validityDays),
    profileVersion: profile.version,
    predecessorSerialNumber: state.lastSerialNumber,
  };
}

/** The canonical JSON a signing at `plan` signs (RX-03): what the application sends to identity. */
export function documentToSign(state: Prescription, plan: SigningPlan, serialNumber: string): string {
  return canonicalJson(prescriptionDocument(state, { ...plan, serialNumber }));
}

function draftEvents(
  catalogue: DrugCatalogue,
  state: PrescriptionState,
  command: { prescriptionId: string; consult: ConsultSnapshot; content: ContentInput; actor: Actor; at: Date },
): PrescriptionEvent[] {
  const { consult, actor, at } = command;
  checkConsult(consult, actor);
  const profile = profileFor(consult.jurisdiction, at);
  const existing = state.status === "none" ? undefined : state;
  const content = checkContent(command.content, {
    consult,
    catalogue,
    profile,
    issuedOn: beijingDay(at),
    actor,
    previous: existing?.content.lines ?? [],
  });
  const data = {
    prescriptionId: command.prescriptionId,
    version: (existing?.version ?? 0) + 1,
    consult,
    content,
    catalogue: { version: catalogue.version, sha256: catalogue.sha256 },
    by: { ...actor },
    at: at.toISOString(),
  };
  if (existing === undefined) return [{ type: "PrescriptionDrafted", data }];
  const events: PrescriptionEvent[] = [];
  if (existing.status === "SIGNED" && existing.signed !== undefined && existing.review === "UNDER_REVIEW") {
    events.push({
      type: "PrescriptionVoided",
      data: {
        prescriptionId: existing.prescriptionId,
        version: existing.version,
        serialNumber: existing.signed.serialNumber,
        reason: "EDITED_AFTER_SIGNING",
        at: at.toISOString(),
      },
    });
  }
  events.push({ type: "PrescriptionRevised", data });
  return events;
}

function decide(catalogue: DrugCatalogue, command: PrescriptionCommand, state: PrescriptionState): readonly PrescriptionEvent[] {
  switch (command.type) {
    case "DraftPrescription":
      if (state.status !== "none") throw refusal("PRESCRIPTION_ALREADY_EXISTS");
      return draftEvents(catalogue, state, command);

    case "RevisePrescription": {
      if (state.status === "none") throw refusal("PRESCRIPTION_NOT_FOUND");
      if (state.review === "APPROVED" || state.review === "REJECTED") throw refusal("PRESCRIPTION_FINALISED");
      if (command.consult.consultId !== state.consult.consultId || command.consult.patientId !== state.consult.patientId) {
        throw refusal("CONSULT_CONTEXT_INCOMPLETE");
      }
      return draftEvents(catalogue, state, command);
    }

    case "ConfirmLines": {
      if (state.status === "none") throw refusal("PRESCRIPTION_NOT_FOUND");
      if (command.actor.kind !== "human") throw refusal("HUMAN_CLINICIAN_REQUIRED");
      if (command.actor.id !== state.consult.physicianId) throw refusal("NOT_ASSIGNED_PHYSICIAN");
      if (state.status !== "DRAFT") throw refusal("PRESCRIPTION_NOT_DRAFT");
      if (command.version !== state.version) throw refusal("SIGNATURE_STALE");
      const known = new Set(state.content.lines.map((line) => line.lineId));
      if (command.lineIds.length === 0 || command.lineIds.some((id) => !known.has(id))) throw refusal("UNKNOWN_LINE");
      const pending = state.content.lines
        .filter((line) => command.lineIds.includes(line.lineId) && line.proposedBy.kind !== "human" && line.confirmedBy === "")
        .map((line) => line.lineId);
      if (pending.length === 0) return [];
      return [
        {
          type: "PrescriptionLinesConfirmed",
          data: { prescriptionId: state.prescriptionId, version: state.version, lineIds: pending, physicianId: command.actor.id, at: command.at.toISOString() },
        },
      ];
    }

    case "ConfirmLongTermPlan": {
      if (state.status === "none") throw refusal("PRESCRIPTION_NOT_FOUND");
      if (command.actor.kind !== "human" || command.actor.id !== state.consult.patientId) throw refusal("NOT_PRESCRIPTION_PATIENT");
      if (state.status !== "DRAFT") throw refusal("PRESCRIPTION_NOT_DRAFT");
      if (command.version !== state.version) throw refusal("SIGNATURE_STALE");
      const profile = profileFor(state.consult.jurisdiction, command.at);
      if (!needsPatientConfirmation(profile, state.content)) throw refusal("LONG_TERM_NOT_APPLICABLE");
      if (state.longTermConfirmed) return [];
      return [
        {
          type: "LongTermPlanConfirmed",
          data: { prescriptionId: state.prescriptionId, version: state.version, patientId: command.actor.id, at: command.at.toISOString() },
        },
      ];
    }

    case "SignPrescription": {
      const plan = planSigning(catalogue, state, command);
      if (state.status === "none") throw refusal("PRESCRIPTION_NOT_FOUND");
      if (state.serialNumbers.includes(command.serialNumber)) throw refusal("SERIAL_NUMBER_TAKEN");
      // The document must be exactly this version's: anything else is a signature over stale content.
      if (command.canonicalDocument !== documentToSign(state, plan, command.serialNumber)) throw refusal("SIGNATURE_STALE");
      if (!command.verification.valid) throw refusal("SIGNATURE_INVALID", command.verification.reasonCode || "unverified");
      if (command.signature.signerId !== command.actor.id) throw refusal("SIGNATURE_INVALID", "SIGNER_MISMATCH");
      return [
        {
          type: "PrescriptionSigned",
          data: {
            prescriptionId: state.prescriptionId,
            version: state.version,
            serialNumber: command.serialNumber,
            predecessorSerialNumber: plan.predecessorSerialNumber,
            issuedOn: plan.issuedOn,
            validUntil: plan.validUntil,
            validityDays: command.validityDays,
            canonicalDocument: command.canonicalDocument,
            signature: { ...command.signature },
            at: command.at.toISOString(),
          },
        },
      ];
    }

    case "RecordReviewOutcome": {
      // Outcomes for versions that are no longer current (voided, replaced) change nothing.
      if (state.status !== "SIGNED" || state.signed?.serialNumber !== command.serialNumber) return [];
      if (state.review === command.outcome && state.reviewReasonCode === command.reasonCode) return [];
      if (state.review === "APPROVED" || state.review === "REJECTED") return [];
      const { prescriptionId } = state;
      const { serialNumber, outcome, reasonCode, pharmacistId, reviewedAt } = command;
      return [{ type: "ReviewOutcomeRecorded", data: { prescriptionId, serialNumber, outcome, reasonCode, pharmacistId, reviewedAt } }];
    }
  }
}

/** The prescription aggregate, over one catalogue (lookups are pure). */
export function prescriptionDecider(catalogue: DrugCatalogue): Decider<PrescriptionCommand, PrescriptionEvent, PrescriptionState> {
  return { initialState, evolve, decide: refusing((command, state) => decide(catalogue, command, state)) };
}
