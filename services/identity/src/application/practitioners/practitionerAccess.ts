import { type EventStore, handleCommand } from "@ihp/eventsourcing";
import { refusal } from "../../domain/errors.js";
import {
  expiryUnnoticed,
  maySign,
  type Practitioner,
  practitionerDecider,
  requireReceiving,
  requireReviewer,
} from "../../domain/practitioners/index.js";
import { isInstitutionId } from "../ids.js";
import { isPractitionerId, practitionerStreamId } from "./ids.js";
import { institutionContext } from "./institutionContext.js";
import { findPractitioner, toPractitionerEvent } from "./practitionerEvents.js";

type Profession = "PHYSICIAN" | "NURSE" | "PHARMACIST";

export interface PractitionerAccess {
  /** IDN-01/02/04/05/06 + status and credential expiry: throws a DomainError (CLINICIAN_NOT_REGISTERED,
   * IDENTITY_NOT_VERIFIED, PRACTITIONER_NOT_ACTIVE, PRACTITIONER_SUSPENDED, CREDENTIAL_EXPIRED, OUT_OF_SCOPE, ...). */
  requireReceiving(input: {
    practitionerId: string;
    institutionId: string;
    departmentCode: string;
    now: Date;
  }): Promise<{ profession: Profession }>;
  /** PHA-02: pharmacist credential, >= 3 whole years of recorded dispensing experience, active, affiliation the
   * institution's jurisdiction allows (in-house always; contracted where the profile allows). Throws e.g. REVIEWER_NOT_QUALIFIED. */
  requireReviewer(input: {
    pharmacistId: string;
    institutionId: string;
    now: Date;
  }): Promise<{ affiliation: "IN_HOUSE" | "CONTRACTED"; dispensingYears: number }>;
  /** For signing (IDN-09): the practitioner's public name and profession, and whether they may sign now (active). */
  signer(
    practitionerId: string,
    now: Date,
  ): Promise<{ name: string; profession: Profession; institutionId: string; active: boolean } | undefined>;
}

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

  async function subjectsOf(institutionId: string, now: Date): Promise<readonly string[]> {
    if (!isInstitutionId(institutionId)) throw refusal("INVALID_INSTITUTION_ID");
    return (await institutionContext(store, institutionId, now)).facts.subjectCodes;
  }

  return {
    async requireReceiving({ practitionerId, institutionId, departmentCode, now }) {
      const practitioner = await load(practitionerId);
      const institutionSubjects = await subjectsOf(institutionId, now);
      await noticeExpiry(practitioner, now);
      const checked = requireReceiving(practitioner, { institutionId, departmentCode, institutionSubjects, at: now });
      return { profession: checked.person.profession };
    },

    async requireReviewer({ pharmacistId, institutionId, now }) {
      const practitioner = await load(pharmacistId);
      if (!isInstitutionId(institutionId)) throw refusal("INVALID_INSTITUTION_ID");
      const { settings } = await institutionContext(store, institutionId, now);
      await noticeExpiry(practitioner, now);
      const checked = requireReviewer(practitioner, { institutionId, settings, at: now });
      return { affiliation: checked.practice.affiliation, dispensingYears: checked.practice.dispensingYears };
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
