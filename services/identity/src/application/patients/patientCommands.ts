import { type EventStore, fold, handleCommand, type StoredEvent } from "@ihp/eventsourcing";
import { type AuditTrail, authorize, denialError, describeError, type Principal, type Role } from "@ihp/platform";
import { ERASED } from "@ihp/keyring";
import { refusal } from "../../domain/errors.js";
import {
  isAdult,
  isPatientEventType,
  type Patient,
  type PatientCommand,
  type PatientEvent,
  patientDecider,
  requireIdentity,
  VERIFICATION_METHODS,
} from "../../domain/patients/index.js";
import type { CareRelationships } from "../care/careRelationships.js";
import type { Caller } from "../caller.js";
import { requireInstitutionId, requireRequestId } from "../ids.js";
import { recordingRefusals } from "../refusals.js";
import type { Accounts } from "../sessions/accounts.js";
import type { IdentityVerifier } from "./identityVerifier.js";
import type { PatientKeyRing } from "./patientKeyRing.js";
import { patientIdFor, patientResource, patientStreamId, requirePatientId } from "./patientIds.js";

export interface PatientsOptions {
  readonly store: EventStore;
  readonly audit: AuditTrail;
  readonly clock: () => Date;
  readonly newId: () => string;
  readonly keys: PatientKeyRing;
  readonly verifier: IdentityVerifier;
  readonly accounts: Accounts;
  /** Consults identity learnt from consult's events: the treating physician's way to a patient (REC-09). */
  readonly care: CareRelationships;
}

export interface RegisterPatientInput {
  readonly requestId: string;
  readonly institutionId: string;
  readonly name: string;
  readonly idType: string;
  readonly idNumber: string;
  readonly birthDate: string;
  readonly sex: string;
  readonly loginName: string;
  readonly password: string;
}

/**
 * A patient with the institution they registered at (the registration's tenant): the tenant every access to the
 * patient is checked against. Patient ids are global (from the document's blind index), so the id alone says nothing
 * about whose patient it is.
 */
export type PatientRecord = Patient & { readonly institutionId: string };

/**
 * A patient with the name and number opened, for the patient themself (GetPatient). `minimized`: what a treating
 * physician sees instead — birth date (age), sex and verification; no name, no ID number, no guardians.
 */
export interface PatientView {
  readonly patient: PatientRecord;
  readonly name: string;
  readonly maskedIdNumber: string;
  readonly minimized: boolean;
}

export interface Patients {
  register(input: RegisterPatientInput, context: Pick<Caller, "correlationId" | "trace">): Promise<Patient>;
  verify(caller: Caller, input: { requestId: string; patientId: string; method: string; evidence: string }): Promise<Patient>;
  linkGuardian(caller: Caller, input: { requestId: string; childId: string; guardianId: string; relationship: string; evidenceReference: string }): Promise<Patient>;
  verifyGuardianship(caller: Caller, input: { requestId: string; childId: string; guardianId: string; method: string }): Promise<Patient>;
  get(caller: Caller, patientId: string): Promise<PatientView>;
  /** The patient as of their stream; undefined when not registered. */
  load(patientId: string): Promise<PatientRecord | undefined>;
}

export function toPatientEvent(event: StoredEvent): PatientEvent {
  if (!isPatientEventType(event.type)) throw new Error(`unexpected event type ${event.type} in stream ${event.streamId}`);
  return { type: event.type, data: event.data } as unknown as PatientEvent;
}

const MAX_EVIDENCE = 4096;

/**
 * Self, or a guardian whose link staff verified while the child is a minor (a parent acting for a child), in the
 * patient's own institution. An unverified link is only a claim: anyone can claim any child id, so it opens nothing.
 */
export function actsFor(principal: Principal, patient: PatientRecord | undefined, patientId: string, at: Date): boolean {
  if (!principal.roles.includes("patient")) return false;
  if (patient !== undefined && principal.tenantId !== patient.institutionId) return false;
  if (principal.subject === patientId) return true;
  if (patient === undefined || isAdult(patient.birthDate, at)) return false;
  return patient.guardians.some((link) => link.guardianId === principal.subject && link.verified);
}

/** Refused unless the caller acts for `institutionId` (TENANT_MISMATCH): checked for every patient a request touches. */
export function requireTenant(principal: Principal, role: Role, institutionId: string): void {
  const decision = authorize(principal, { roles: [role], tenantId: institutionId });
  if (!decision.allowed) throw denialError(decision);
}

export function createPatients(options: PatientsOptions): Patients {
  const { store, audit, clock, keys } = options;

  async function load(patientId: string): Promise<PatientRecord | undefined> {
    const events = await store.readStream(patientStreamId(patientId));
    const state = fold(patientDecider, events.map(toPatientEvent));
    if (state.status !== "registered" || events[0] === undefined) return undefined;
    // The registration is appended under the institution the patient registered at (register below).
    return { ...state.patient, institutionId: events[0].metadata.tenantId };
  }

  async function execute(
    context: Pick<Caller, "correlationId" | "trace">,
    actor: { id: string; role: string },
    tenantId: string,
    patientId: string,
    requestId: string,
    command: PatientCommand,
  ) {
    const now = command.at;
    const result = await handleCommand(
      store,
      patientDecider,
      {
        streamId: patientStreamId(patientId),
        command,
        metadata: { actorId: actor.id, actorRole: actor.role, tenantId, correlationId: context.correlationId, causationId: requestId, ...context.trace },
        requestId,
        now,
      },
      { newEventId: options.newId, toDomainEvent: toPatientEvent },
    );
    return result;
  }

  async function current(patientId: string): Promise<PatientRecord> {
    const patient = await load(patientId);
    if (patient === undefined) throw refusal("PATIENT_NOT_FOUND");
    return patient;
  }

  function staff(principal: Principal, roles: readonly ("institution_admin" | "system")[]): "institution_admin" | "system" | undefined {
    return roles.find((role) => authorize(principal, { roles: [role] }).allowed);
  }

  return {
    load,

    async register(input, context) {
      const requestId = requireRequestId(input.requestId);
      const institutionId = requireInstitutionId(input.institutionId);
      const now = clock();
      // Checked before any key is made: bad input creates nothing.
      const identity = requireIdentity(input, now);
      const withLogin = input.loginName !== "" || input.password !== "";
      const index = keys.blindIndex(`${identity.idType}:${identity.idNumber}`);
      const patientId = patientIdFor(index);
      const existing = await store.readStream(patientStreamId(patientId));
      // The registration is the stream's first event: the same request id again is a repeat (answered with the first
      // result below), anything else a second registration of the same person. Later events (verification) don't count.
      const registration = existing[0];
      if (registration !== undefined && registration.metadata.requestId !== requestId) throw refusal("PATIENT_ALREADY_REGISTERED");
      const protectedIdentity = {
        sealedName: await keys.seal(patientId, "name", identity.name),
        sealedIdNumber: await keys.seal(patientId, "idNumber", identity.idNumber),
        idNumberIndex: index,
      };
      if (withLogin && existing.length === 0) {
        await options.accounts.open(
          { principal: { subject: patientId, roles: ["patient"], tenantId: institutionId, kind: "human" }, ...context },
          { subjectId: patientId, kind: "PATIENT", roles: ["patient"], tenantId: institutionId, loginName: input.loginName, password: input.password, requestId },
        );
      }
      const result = await execute(context, { id: patientId, role: "patient" }, institutionId, patientId, requestId, {
        type: "RegisterPatient",
        patientId,
        ...input,
        protectedIdentity,
        at: now,
      });
      if (result.state.status !== "registered") throw new Error("registration left no patient");
      return result.state.patient;
    },

    verify(caller, input) {
      return recordingRefusals(audit, caller, "VerifyPatientIdentity", patientResource(input.patientId), async () => {
        const patientId = requirePatientId(input.patientId);
        const requestId = requireRequestId(input.requestId);
        const patient = await current(patientId);
        const method = VERIFICATION_METHODS.find((candidate) => candidate === input.method);
        if (method === undefined) throw refusal("INVALID_VERIFICATION_METHOD");
        let role: string;
        let passed: boolean;
        let providerReference: string;
        if (method === "IN_PERSON_DOCUMENT_CHECK") {
          const grant = authorize(caller.principal, { roles: ["institution_admin"] });
          if (!grant.allowed) throw refusal("INVALID_VERIFICATION_METHOD");
          requireTenant(caller.principal, "institution_admin", patient.institutionId);
          role = "institution_admin";
          passed = true;
          providerReference = `counter:${caller.principal.subject}`;
        } else {
          if (!actsFor(caller.principal, patient, patientId, clock())) throw roleNotAllowed();
          if (input.evidence === "" || input.evidence.length > MAX_EVIDENCE) throw refusal("VERIFICATION_EVIDENCE_REQUIRED");
          role = "patient";
          const outcome = await options.verifier.faceMatch({ subjectId: patientId, evidence: input.evidence });
          passed = outcome.passed;
          providerReference = outcome.reference;
        }
        const result = await execute(caller, { id: caller.principal.subject, role }, patient.institutionId, patientId, requestId, {
          type: "RecordVerification",
          patientId,
          method,
          passed,
          providerReference,
          at: clock(),
        });
        if (result.events.some((event) => event.type === "PatientVerificationFailed")) throw refusal("IDENTITY_VERIFICATION_FAILED");
        if (result.state.status !== "registered") throw new Error("verification left no patient");
        return result.state.patient;
      });
    },

    linkGuardian(caller, input) {
      return recordingRefusals(audit, caller, "LinkGuardian", patientResource(input.childId), async () => {
        const childId = requirePatientId(input.childId);
        const guardianId = requirePatientId(input.guardianId);
        const requestId = requireRequestId(input.requestId);
        const isGuardianThemself = caller.principal.roles.includes("patient") && caller.principal.subject === guardianId;
        const role = isGuardianThemself ? "patient" : staff(caller.principal, ["institution_admin"]);
        if (role === undefined) throw roleNotAllowed();
        const child = await current(childId);
        const guardian = await load(guardianId);
        // Both people must be of the caller's institution: an admin (or a patient) of one institution cannot tie
        // another institution's child to anyone, nor one of their own patients to another institution's child.
        requireTenant(caller.principal, role, child.institutionId);
        if (guardian !== undefined) requireTenant(caller.principal, role, guardian.institutionId);
        const now = clock();
        const result = await execute(caller, { id: caller.principal.subject, role }, child.institutionId, childId, requestId, {
          type: "LinkGuardian",
          childId,
          guardianId,
          guardian: guardian === undefined ? undefined : { birthDate: guardian.birthDate, verified: guardian.verification !== undefined },
          relationship: input.relationship,
          evidenceReference: input.evidenceReference,
          at: now,
        });
        if (result.state.status !== "registered") throw refusal("PATIENT_NOT_FOUND");
        return result.state.patient;
      });
    },

    verifyGuardianship(caller, input) {
      return recordingRefusals(audit, caller, "VerifyGuardianship", patientResource(input.childId), async () => {
        const role = staff(caller.principal, ["system", "institution_admin"]);
        if (role === undefined) throw roleNotAllowed();
        const childId = requirePatientId(input.childId);
        const guardianId = requirePatientId(input.guardianId);
        const requestId = requireRequestId(input.requestId);
        const child = await current(childId);
        const guardian = await current(guardianId);
        if (role === "institution_admin") {
          requireTenant(caller.principal, role, child.institutionId);
          requireTenant(caller.principal, role, guardian.institutionId);
        }
        const result = await execute(caller, { id: caller.principal.subject, role }, child.institutionId, childId, requestId, {
          type: "VerifyGuardianship",
          childId,
          guardianId,
          method: input.method,
          at: clock(),
        });
        if (result.state.status !== "registered") throw refusal("PATIENT_NOT_FOUND");
        return result.state.patient;
      });
    },

    get(caller, rawId) {
      return recordingRefusals(audit, caller, "GetPatient", patientResource(rawId), async () => {
        const patientId = requirePatientId(rawId);
        const patient = await load(patientId);
        const now = clock();
        if (!actsFor(caller.principal, patient, patientId, now)) {
          // REC-09: a physician in person, through a consult of theirs with this patient (open, or recently ended).
          const { principal } = caller;
          if (principal.kind !== "human" || !authorize(principal, { roles: ["physician"] }).allowed) throw roleNotAllowed();
          const treating = await options.care.isTreating({ physicianId: principal.subject, institutionId: principal.tenantId, patientId, at: now });
          if (!treating || patient === undefined) throw refusal("NO_CARE_RELATIONSHIP");
          // XC-01: a clinician's read of patient data is itself recorded before the data leaves.
          await audit.recorded({ principal, action: "GetPatient", resource: patientResource(patientId), ruleId: "REC-09", correlationId: caller.correlationId, trace: caller.trace });
          return { patient, name: "", maskedIdNumber: "", minimized: true };
        }
        if (patient === undefined) throw refusal("PATIENT_NOT_FOUND");
        // A destroyed key (an erasure of class "identity") shows the fixed replacement, never an error.
        const name = (await keys.open(patientId, "name", patient.identity.sealedName)) ?? ERASED;
        const number = (await keys.open(patientId, "idNumber", patient.identity.sealedIdNumber)) ?? ERASED;
        return { patient, name, maskedIdNumber: mask(number), minimized: false };
      });
    },
  };
}

function mask(number: string): string {
  if (number === ERASED) return ERASED;
  if (number.length <= 2) return "*".repeat(number.length);
  return `${number.slice(0, 1)}${"*".repeat(number.length - 2)}${number.slice(-1)}`;
}


export function roleNotAllowed(): Error {
  return denialError({ allowed: false, reason: "ROLE_NOT_ALLOWED", message: describeError("ROLE_NOT_ALLOWED").en });
}
