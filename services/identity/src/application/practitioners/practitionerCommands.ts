import { commandPipeline, DomainError, type EventStore, handleCommand } from "@ihp/eventsourcing";
import { type AuditTrail, denialError, type Logger, type Role } from "@ihp/platform";
import { refusal } from "../../domain/errors.js";
import { personClaimDecider, type PractitionerPersonClaimed } from "../../domain/practitioners/personClaim.js";
import {
  NO_PRACTITIONER,
  type PracticeInput,
  type PractitionerCommand,
  practitionerDecider,
  type RegistryOutcome,
  requireIdNumber,
} from "../../domain/practitioners/index.js";
import type { Caller } from "../caller.js";
import { requireInstitutionId, requireRequestId } from "../ids.js";
import { institutionResource, recordingRefusals } from "../refusals.js";
import type { IdNumberSealer } from "./idNumberSealer.js";
import { practitionerIdFor, practitionerResource, practitionerStreamId, requirePractitionerId } from "./ids.js";
import { institutionContext } from "./institutionContext.js";
import { authorizePractitioner, mayAttempt, type PractitionerAction } from "./policy.js";
import type { FaceMatchPort, RegistryPort } from "./ports.js";
import { findPractitioner, type PractitionerView, toPractitionerEvent } from "./practitionerEvents.js";

export interface PractitionerCommandsOptions {
  readonly store: EventStore;
  readonly audit: AuditTrail;
  readonly clock: () => Date;
  readonly newEventId: () => string;
  readonly sealer: IdNumberSealer;
  readonly registry: RegistryPort;
  readonly faceMatch: FaceMatchPort;
  /** IDN-02: institutions whose practitioners verify by face match only ("*" in the set: every institution). */
  readonly faceMatchTenants: ReadonlySet<string>;
  readonly logger: Logger;
  /** Keyed blind index (HMAC): finds a second registration of the same person without the ID number in clear. */
  readonly personIndex: (value: string) => string;
}

export interface RegisterPractitionerInput {
  readonly requestId: string;
  readonly institutionId: string;
  readonly name: string;
  readonly idNumber: string;
  readonly profession: string;
  readonly mainInstitutionName: string;
  readonly mainInstitutionIsHost: boolean;
  readonly practiceStartedOn: string;
  readonly photoHash: string;
  readonly practice: PracticeInput;
}

export interface PractitionerRef {
  readonly requestId: string;
  readonly practitionerId: string;
}

export interface PractitionerCommands {
  register(caller: Caller, input: RegisterPractitionerInput): Promise<PractitionerView>;
  verifyRegistration(caller: Caller, input: PractitionerRef): Promise<PractitionerView>;
  verifyIdentity(caller: Caller, input: PractitionerRef & { readonly evidence: string }): Promise<PractitionerView>;
  recordDocument(caller: Caller, input: PractitionerRef & { readonly kind: string; readonly reference: string }): Promise<PractitionerView>;
  enable(caller: Caller, input: PractitionerRef): Promise<PractitionerView>;
  changePractice(caller: Caller, input: PractitionerRef & { readonly practice: PracticeInput }): Promise<PractitionerView>;
  suspend(caller: Caller, input: PractitionerRef & { readonly reason: string }): Promise<PractitionerView>;
  reinstate(caller: Caller, input: PractitionerRef): Promise<PractitionerView>;
  revoke(caller: Caller, input: PractitionerRef & { readonly reason: string }): Promise<PractitionerView>;
  recordExit(caller: Caller, input: PractitionerRef): Promise<PractitionerView>;
}

interface Execution {
  readonly role: Role;
  readonly practitionerId: string;
  readonly institutionId: string;
  readonly requestId: string;
  readonly profileVersion?: string;
  readonly command: PractitionerCommand;
  readonly now: Date;
}

/**
 * Practitioner command handlers: role check → ids → load → institution check → (registry / face match) → decide and
 * append (the command pipeline, idempotent by request id). Every refusal is recorded in the audit trail first (XC-02).
 */
export function createPractitionerCommands(options: PractitionerCommandsOptions): PractitionerCommands {
  const { store, audit, clock, sealer } = options;
  const pipeline = commandPipeline(store, practitionerDecider, { newEventId: options.newEventId, toDomainEvent: toPractitionerEvent });

  async function execute(caller: Caller, run: Execution): Promise<PractitionerView> {
    const result = await pipeline({
      streamId: practitionerStreamId(run.practitionerId),
      requestId: run.requestId,
      now: run.now,
      acting: { actorId: caller.principal.subject, role: run.role, tenantId: run.institutionId, correlationId: caller.correlationId, trace: caller.trace },
      command: run.command,
      profileVersionOf: () => run.profileVersion,
    });
    // A repeated request or a change to the same values answers with the practitioner as it stands.
    if (result.state.status !== "registered") throw refusal("PRACTITIONER_NOT_FOUND");
    return { practitioner: result.state.practitioner, revision: result.revision };
  }

  /** IDN-08: one practitioner record per person and institution, unless the earlier one is revoked or exited. */
  async function claimPerson(caller: Caller, role: Role, institutionId: string, idNumber: string, practitionerId: string, requestId: string, now: Date) {
    const streamId = `identity-staff-person-${options.personIndex(`practitioner:${institutionId}:${idNumber}`)}`;
    const [claim] = (await store.readStream(streamId)).slice(-1);
    const holderId = (claim?.data as { practitionerId?: string } | undefined)?.practitionerId;
    const holder = holderId === undefined || holderId === practitionerId ? undefined : await findPractitioner(store, holderId);
    const holderClosed = holder === undefined || holder.practitioner.status === "REVOKED" || holder.practitioner.status === "EXITED";
    await handleCommand(
      store,
      personClaimDecider,
      {
        streamId,
        command: { type: "ClaimPractitionerPerson", practitionerId, holderClosed },
        metadata: { actorId: caller.principal.subject, actorRole: role, tenantId: institutionId, correlationId: caller.correlationId, causationId: requestId, ...caller.trace },
        now,
      },
      { newEventId: options.newEventId, toDomainEvent: (event) => event as unknown as PractitionerPersonClaimed },
    );
  }

  /** The shared path of every command on an existing practitioner. */
  function onPractitioner(
    action: PractitionerAction,
    caller: Caller,
    ref: PractitionerRef,
    build: (view: PractitionerView, now: Date) => Promise<{ command: PractitionerCommand; profileVersion?: string }>,
  ): Promise<PractitionerView> {
    return recordingRefusals(audit, caller, action, practitionerResource(ref.practitionerId), async () => {
      const attempt = mayAttempt(action, caller.principal);
      if (!attempt.allowed) throw denialError(attempt);
      const practitionerId = requirePractitionerId(ref.practitionerId);
      const requestId = requireRequestId(ref.requestId);
      const view = await findPractitioner(store, practitionerId);
      if (view === undefined) throw refusal("PRACTITIONER_NOT_FOUND");
      const { institutionId } = view.practitioner;
      const grant = authorizePractitioner(action, caller.principal, institutionId, practitionerId);
      if (!grant.allowed) throw denialError(grant);
      const now = clock();
      const { command, profileVersion } = await build(view, now);
      return execute(caller, { role: grant.role, practitionerId, institutionId, requestId, command, now, profileVersion });
    });
  }

  return {
    register(caller, input) {
      return recordingRefusals(audit, caller, "RegisterPractitioner", institutionResource(input.institutionId), async () => {
        const attempt = mayAttempt("RegisterPractitioner", caller.principal);
        if (!attempt.allowed) throw denialError(attempt);
        const institutionId = requireInstitutionId(input.institutionId);
        const grant = authorizePractitioner("RegisterPractitioner", caller.principal, institutionId);
        if (!grant.allowed) throw denialError(grant);
        const requestId = requireRequestId(input.requestId);
        const practitionerId = practitionerIdFor(requestId);
        const now = clock();
        const context = await institutionContext(store, institutionId, now);
        // Checked in clear here because only the sealed value reaches the decider and the log.
        const idNumber = requireIdNumber(input.idNumber);
        const command: PractitionerCommand = {
            type: "RegisterPractitioner",
            practitionerId,
            institution: context.facts,
            name: input.name,
            idNumberSealed: sealer.seal(idNumber, practitionerId),
            profession: input.profession,
            mainInstitutionName: input.mainInstitutionName,
            mainInstitutionIsHost: input.mainInstitutionIsHost,
            practiceStartedOn: input.practiceStartedOn,
            photoHash: input.photoHash,
            practice: input.practice,
            at: now,
        };
        const existing = await store.readStream(practitionerStreamId(practitionerId));
        if (existing.length === 0) {
          // Decided once without appending, so that a registration the rules refuse claims nothing (a refusal writes
          // only its audit record); then the person is claimed for this institution, then the record is written.
          const probe = practitionerDecider.decide(command, NO_PRACTITIONER);
          if (probe instanceof DomainError) throw probe;
          await claimPerson(caller, grant.role, institutionId, idNumber, practitionerId, requestId, now);
        }
        return execute(caller, { role: grant.role, practitionerId, institutionId, requestId, profileVersion: context.profileVersion, now, command });
      });
    },

    verifyRegistration(caller, input) {
      return onPractitioner("VerifyRegistration", caller, input, async ({ practitioner }, now) => {
        let outcome: RegistryOutcome;
        try {
          const answer = await options.registry.lookup({
            profession: practitioner.person.profession,
            licenceNumber: practitioner.practice.licenceNumber,
            name: practitioner.person.name,
            idNumber: sealer.open(practitioner.person.idNumberSealed, practitioner.practitionerId),
          });
          outcome = { ...answer, source: options.registry.source };
        } catch (error) {
          // IDN-01: a lookup that fails leaves the practitioner unverified; the cause goes to the log, not the caller.
          options.logger.warn({ err: error, practitionerId: practitioner.practitionerId }, "registry lookup failed");
          outcome = { status: "UNAVAILABLE", source: options.registry.source };
        }
        return { command: { type: "RecordRegistryLookup", practitionerId: practitioner.practitionerId, outcome, at: now } };
      });
    },

    verifyIdentity(caller, input) {
      return onPractitioner("VerifyIdentity", caller, input, async ({ practitioner }, now) => {
        const { practitionerId, institutionId } = practitioner;
        const faceMatchRequired = options.faceMatchTenants.has("*") || options.faceMatchTenants.has(institutionId);
        if (!faceMatchRequired) {
          return {
            command: {
              type: "RecordIdentityVerification",
              practitionerId,
              method: "DOCUMENT_CHECK",
              faceMatchRequired,
              reference: input.evidence,
              at: now,
            },
          };
        }
        const result = await options.faceMatch.verify({ practitionerId, evidence: input.evidence, now });
        if (!result.matched) throw refusal("FACE_MATCH_FAILED");
        return {
          command: {
            type: "RecordIdentityVerification",
            practitionerId,
            method: "FACE_MATCH",
            faceMatchRequired,
            reference: result.reference,
            at: now,
          },
        };
      });
    },

    recordDocument(caller, input) {
      return onPractitioner("RecordPracticeDocument", caller, input, ({ practitioner }) =>
        Promise.resolve({
          command: {
            type: "RecordPracticeDocument",
            practitionerId: practitioner.practitionerId,
            kind: input.kind,
            reference: input.reference,
          },
        }),
      );
    },

    enable(caller, input) {
      return onPractitioner("EnablePractitioner", caller, input, async ({ practitioner }, now) => {
        const context = await institutionContext(store, practitioner.institutionId, now);
        return {
          profileVersion: context.profileVersion,
          command: {
            type: "EnablePractitioner",
            practitionerId: practitioner.practitionerId,
            institution: context.facts,
            settings: context.settings,
            at: now,
          },
        };
      });
    },

    changePractice(caller, input) {
      return onPractitioner("ChangePractice", caller, input, async ({ practitioner }, now) => {
        const context = await institutionContext(store, practitioner.institutionId, now);
        return {
          profileVersion: context.profileVersion,
          command: {
            type: "ChangePractice",
            practitionerId: practitioner.practitionerId,
            institution: context.facts,
            settings: context.settings,
            practice: input.practice,
            at: now,
          },
        };
      });
    },

    suspend(caller, input) {
      return onPractitioner("SuspendPractitioner", caller, input, ({ practitioner }) =>
        Promise.resolve({
          command: { type: "SuspendPractitioner", practitionerId: practitioner.practitionerId, reason: input.reason },
        }),
      );
    },

    reinstate(caller, input) {
      return onPractitioner("ReinstatePractitioner", caller, input, ({ practitioner }) =>
        Promise.resolve({ command: { type: "ReinstatePractitioner", practitionerId: practitioner.practitionerId } }),
      );
    },

    revoke(caller, input) {
      return onPractitioner("RevokePractitioner", caller, input, ({ practitioner }) =>
        Promise.resolve({
          command: { type: "RevokePractitioner", practitionerId: practitioner.practitionerId, reason: input.reason },
        }),
      );
    },

    recordExit(caller, input) {
      return onPractitioner("RecordPractitionerExit", caller, input, ({ practitioner }) =>
        Promise.resolve({ command: { type: "RecordExit", practitionerId: practitioner.practitionerId } }),
      );
    },
  };
}
