import { type EventStore, handleCommand } from "@ihp/eventsourcing";
import { refusal } from "../../domain/errors.js";
import {
  expiryUnnoticed,
  maySign,
  type Practitioner,
  practitionerDecider,
  requirePractising,
  requireReceiving,
  requireReviewer,
} from "../../domain/practitioners/index.js";
import { isInstitutionId } from "../ids.js";
import { isPractitionerId, practitionerStreamId } from "./ids.js";
import type { PractitionerAccess } from "../sessions/practitionerAccessPort.js";
import { institutionContext } from "./institutionContext.js";
import { findPractitioner, toPractitionerEvent } from "./practitionerEvents.js";


export interface PractitionerAccessDeps {
  readonly store: EventStore;
  /** Event ids for the CredentialExpired a check may record. */
  readonly newEventId: () => string;
}

/** The identity service acting on its own when a check notices an expired licence. */
const SERVICE_ACTOR = { actorId: "identity", actorRole: "system" } as const;

/**
 * The practitioner part of ClinicalAccessService and signing. Reads the practitioner's own stream (read-your-writes:
 * a suspension ends rights at the next check, never after a projection lag). When a check finds the licence expired
 * and CredentialExpired is not on file yet, it records it (REP-03 staff record) before refusing.
 */
export function createPractitionerAccess(deps: PractitionerAccessDeps): PractitionerAccess {
  const { store } = deps;

  async function load(practitionerId: string): Promise<Practitioner | undefined> {
    if (!isPractitionerId(practitionerId)) return undefined;
    return (await findPractitioner(store, practitionerId))?.practitioner;
  }

  async function noticeExpiry(practitioner: Practitioner | undefined, now: Date): Promise<void> {
    if (practitioner === undefined || !expiryUnnoticed(practitioner, now)) return;
    const causationId = deps.newEventId();
    await handleCommand(
      store,
      practitionerDecider,
      {
        streamId: practitionerStreamId(practitioner.practitionerId),
        command: { type: "NoticeCredentialExpiry", practitionerId: practitioner.practitionerId, at: now },
        metadata: { ...SERVICE_ACTOR, tenantId: practitioner.institutionId, correlationId: causationId, causationId },
        now,
      },
      { newEventId: deps.newEventId, toDomainEvent: toPractitionerEvent },
    );
  }

  async function receivingContext(institutionId: string, now: Date): Promise<{ subjectCodes: readonly string[]; regulatorConnected: boolean }> {
    if (!isInstitutionId(institutionId)) throw refusal("INVALID_INSTITUTION_ID");
    const { facts, regulatorConnected } = await institutionContext(store, institutionId, now);
    return { subjectCodes: facts.subjectCodes, regulatorConnected };
  }

  return {
    async requireReceiving({ practitionerId, institutionId, departmentCode, now }) {
      const practitioner = await load(practitionerId);
      const { subjectCodes: institutionSubjects, regulatorConnected } = await receivingContext(institutionId, now);
      await noticeExpiry(practitioner, now);
      const checked = requireReceiving(practitioner, { institutionId, departmentCode, institutionSubjects, at: now });
      return { profession: checked.person.profession, regulatorConnected };
    },

    async requireReviewer({ pharmacistId, institutionId, now }) {
      const practitioner = await load(pharmacistId);
      if (!isInstitutionId(institutionId)) throw refusal("INVALID_INSTITUTION_ID");
      const { settings } = await institutionContext(store, institutionId, now);
      await noticeExpiry(practitioner, now);
      const checked = requireReviewer(practitioner, { institutionId, settings, at: now });
      return { affiliation: checked.practice.affiliation, dispensingYears: checked.practice.dispensingYears };
    },

    async requireAccountHolder(practitionerId, now) {
      const practitioner = await load(practitionerId);
      await noticeExpiry(practitioner, now);
      const checked = requirePractising(practitioner, now);
      return { profession: checked.person.profession, institutionId: checked.institutionId };
    },

    async signer(practitionerId, now) {
      const practitioner = await load(practitionerId);
      if (practitioner === undefined) return undefined;
      await noticeExpiry(practitioner, now);
      return {
        name: practitioner.person.name,
        profession: practitioner.person.profession,
        institutionId: practitioner.institutionId,
        active: maySign(practitioner, now),
      };
    },
  };
}
