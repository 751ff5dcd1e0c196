import { commandPipeline, type EventStore } from "@ihp/eventsourcing";
import { refusal } from "../domain/errors.js";
import { type AuditTrail, denialError, type Role } from "@ihp/platform";
import {
  type InstitutionCommand,
  institutionDecider,
  type LicenceInput,
  type RegisterInstitution,
} from "../domain/institutions/index.js";
import type { Caller } from "./caller.js";
import {
  institutionIdFor,
  institutionStreamId,
  isValidRequestId,
  requireInstitutionId,
  requireRequestId,
} from "./ids.js";
import { type InstitutionView, toInstitutionEvent } from "./institutionEvents.js";
import { authorizeInstitution, type InstitutionAction } from "./policy.js";
import { profileVersionAt } from "./profileVersion.js";
import { institutionResource, recordingRefusals } from "./refusals.js";

export interface InstitutionCommandsOptions {
  readonly store: EventStore;
  readonly audit: AuditTrail;
  readonly clock: () => Date;
  /** Event ids (UUIDv7). */
  readonly newEventId: () => string;
}

export type RegisterInstitutionInput = Omit<RegisterInstitution, "type" | "institutionId" | "at"> & {
  readonly requestId: string;
};

export interface ChangeLicenceInput {
  readonly requestId: string;
  readonly institutionId: string;
  readonly licence: LicenceInput;
  /** Replaces the approved subjects when non-empty. */
  readonly subjectCodes: readonly string[];
}

export interface SetRegulatorConnectionInput {
  readonly requestId: string;
  readonly institutionId: string;
  readonly connected: boolean;
  readonly platformReference: string;
}

export interface InstitutionCommands {
  register(caller: Caller, input: RegisterInstitutionInput): Promise<InstitutionView>;
  changeLicence(caller: Caller, input: ChangeLicenceInput): Promise<InstitutionView>;
  setRegulatorConnection(caller: Caller, input: SetRegulatorConnectionInput): Promise<InstitutionView>;
}

/** What one command needs once the caller is authorized and the ids are checked. */
interface Execution {
  readonly role: Role;
  readonly institutionId: string;
  readonly requestId: string;
  /**
   * The jurisdiction whose profile version the events record (XC-08): given for a registration, read from the folded
   * state (no extra read) for an institution that exists.
   */
  readonly jurisdiction?: string;
  readonly command: (at: Date) => InstitutionCommand;
}

/**
 * The institution command handlers: authorize (deny by default) → check ids → read, fold, decide, append
 * (the command pipeline, idempotent by request id). Every refusal is recorded in the audit trail before it is returned.
 */
export function createInstitutionCommands(options: InstitutionCommandsOptions): InstitutionCommands {
  const { store, audit, clock } = options;
  const pipeline = commandPipeline(store, institutionDecider, { newEventId: options.newEventId, toDomainEvent: toInstitutionEvent });

  function authorized(action: InstitutionAction, caller: Caller, institutionId?: string): Role {
    const grant = authorizeInstitution(action, caller.principal, institutionId);
    if (!grant.allowed) throw denialError(grant);
    return grant.role;
  }

  async function execute(caller: Caller, run: Execution): Promise<InstitutionView> {
    const now = clock();
    const result = await pipeline({
      streamId: institutionStreamId(run.institutionId),
      requestId: run.requestId,
      now,
      // The event belongs to the institution it is about, whoever acted.
      acting: { actorId: caller.principal.subject, role: run.role, tenantId: run.institutionId, correlationId: caller.correlationId, trace: caller.trace },
      command: run.command(now),
      profileVersionOf: (state) => profileVersionAt(run.jurisdiction ?? (state.status === "registered" ? state.institution.jurisdiction : undefined), now),
    });
    // A repeated request or a change to the same values answers with the institution as it stands.
    if (result.state.status !== "registered") throw refusal("INSTITUTION_NOT_FOUND");
    return { institution: result.state.institution, revision: result.revision };
  }

  return {
    register(caller, input) {
      const derivedId = isValidRequestId(input.requestId) ? institutionIdFor(input.requestId) : undefined;
      return recordingRefusals(audit, caller, "RegisterInstitution", institutionResource(derivedId), async () => {
        const role = authorized("RegisterInstitution", caller);
        const requestId = requireRequestId(input.requestId);
        const institutionId = institutionIdFor(requestId);
        const { requestId: _requestId, ...fields } = input;
        return execute(caller, {
          role,
          institutionId,
          requestId,
          jurisdiction: input.jurisdiction,
          command: (at) => ({ type: "RegisterInstitution", institutionId, ...fields, at }),
        });
      });
    },

    changeLicence(caller, input) {
      const resource = institutionResource(input.institutionId);
      return recordingRefusals(audit, caller, "ChangeLicence", resource, async () => {
        const role = authorized("ChangeLicence", caller, input.institutionId);
        const institutionId = requireInstitutionId(input.institutionId);
        const requestId = requireRequestId(input.requestId);
        const { licence, subjectCodes } = input;
        return execute(caller, {
          role,
          institutionId,
          requestId,
          command: (at) => ({ type: "ChangeLicence", institutionId, licence, subjectCodes, at }),
        });
      });
    },

    setRegulatorConnection(caller, input) {
      const resource = institutionResource(input.institutionId);
      return recordingRefusals(audit, caller, "SetRegulatorConnection", resource, async () => {
        const role = authorized("SetRegulatorConnection", caller, input.institutionId);
        const institutionId = requireInstitutionId(input.institutionId);
        const requestId = requireRequestId(input.requestId);
        const { connected, platformReference } = input;
        return execute(caller, {
          role,
          institutionId,
          requestId,
          command: () => ({ type: "SetRegulatorConnection", institutionId, connected, platformReference }),
        });
      });
    },
  };
}
