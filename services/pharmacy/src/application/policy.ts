import { authorize, type Decision, denialError, type Principal, type Role } from "@ihp/platform";
import { refusal } from "../domain/errors.js";

export type PharmacyAction =
  | "GetPrescription"
  | "ListReviewQueue"
  | "StreamReviewQueue"
  | "ApprovePrescription"
  | "ReturnPrescription"
  | "RejectPrescription"
  | "AmendPrescriptionLines"
  | "RecordPayment"
  | "DispensePrescription"
  | "CheckOrder"
  | "DispatchDelivery"
  | "SyncDeliveryTracking"
  | "ListMyPrescriptions"
  | "ScheduleShift"
  | "CancelShift"
  | "GetReviewCoverage"
  | "MonitorReviewCoverage";

interface Rule {
  /** Roles allowed whatever the institution (the platform's own calls). */
  readonly anyInstitution: readonly Role[];
  /** Roles allowed only for the institution their token names. */
  readonly ownInstitution: readonly Role[];
  /** Roles allowed only for their own prescriptions (the patient's subject is the prescription's patient). */
  readonly ownPrescription: readonly Role[];
}

const REVIEW: Rule = { anyInstitution: [], ownInstitution: ["pharmacist"], ownPrescription: [] };

/**
 * Who may do what; anything not listed is refused (deny by default). `system` (a service credential) only where a
 * platform job really calls: the payment provider's callback and the carrier hand-over, and the service's own PHA-06
 * timer (MonitorReviewCoverage, in-process). It reads no prescription, checks no order, tracks no delivery and keeps
 * no roster through the API: those are people's acts on people's data.
 */
const RULES: { readonly [A in PharmacyAction]: Rule } = {
  GetPrescription: { anyInstitution: [], ownInstitution: ["pharmacist"], ownPrescription: ["patient"] },
  ListReviewQueue: REVIEW,
  StreamReviewQueue: REVIEW,
  ApprovePrescription: REVIEW,
  ReturnPrescription: REVIEW,
  RejectPrescription: REVIEW,
  AmendPrescriptionLines: { anyInstitution: [], ownInstitution: ["pharmacist", "physician"], ownPrescription: [] },
  // The payment provider's callback arrives as the platform ("system"); a pharmacy counter may record it too.
  RecordPayment: { anyInstitution: ["system"], ownInstitution: ["pharmacist"], ownPrescription: [] },
  DispensePrescription: REVIEW,
  CheckOrder: { anyInstitution: [], ownInstitution: ["pharmacist"], ownPrescription: ["patient"] },
  DispatchDelivery: { anyInstitution: ["system"], ownInstitution: ["pharmacist"], ownPrescription: [] },
  SyncDeliveryTracking: { anyInstitution: [], ownInstitution: ["pharmacist"], ownPrescription: ["patient"] },
  ListMyPrescriptions: { anyInstitution: [], ownInstitution: [], ownPrescription: ["patient"] },
  ScheduleShift: { anyInstitution: [], ownInstitution: ["institution_admin"], ownPrescription: [] },
  CancelShift: { anyInstitution: [], ownInstitution: ["institution_admin"], ownPrescription: [] },
  // Patients see the expected delay of the institution they consult.
  GetReviewCoverage: { anyInstitution: ["patient"], ownInstitution: ["pharmacist", "institution_admin"], ownPrescription: [] },
  // The service's own PHA-06 timer, for every institution it serves; no RPC maps to it.
  MonitorReviewCoverage: { anyInstitution: ["system"], ownInstitution: [], ownPrescription: [] },
};

export type Grant =
  | { readonly allowed: true; readonly role: Role; readonly scope: "any" | "institution" | "own" }
  | Extract<Decision, { allowed: false }>;

/** A patient asking about a prescription that is not theirs. */
export type TargetGrant = Grant | { readonly allowed: false; readonly notOwn: true };

/** First gate, before anything is read: does any of the caller's roles allow the action at all? */
export function roleGate(action: PharmacyAction, principal: Principal): Grant {
  const rule = RULES[action];
  const roles = [...rule.anyInstitution, ...rule.ownInstitution, ...rule.ownPrescription];
  const decision = authorize(principal, { roles });
  if (!decision.allowed) return decision;
  return { allowed: true, role: actingRole(principal, roles), scope: "any" };
}

/**
 * The full check once the target is known: its institution (tenant) and its patient. A patient acting on someone
 * else's prescription is refused with NOT_PRESCRIPTION_PARTICIPANT (permission kind, audited), as consults are.
 */
export function authorizeOn(
  action: PharmacyAction,
  principal: Principal,
  target: { readonly institutionId: string; readonly patientId?: string | undefined },
): TargetGrant {
  const rule = RULES[action];
  const wide = authorize(principal, { roles: rule.anyInstitution });
  if (wide.allowed) return { allowed: true, role: actingRole(principal, rule.anyInstitution), scope: "any" };
  if (rule.ownPrescription.length > 0 && authorize(principal, { roles: rule.ownPrescription }).allowed) {
    if (target.patientId !== undefined && target.patientId === principal.subject) {
      return { allowed: true, role: actingRole(principal, rule.ownPrescription), scope: "own" };
    }
    if (rule.ownInstitution.length === 0 || !authorize(principal, { roles: rule.ownInstitution }).allowed) {
      return { allowed: false, notOwn: true };
    }
  }
  const own = authorize(principal, { roles: rule.ownInstitution, tenantId: target.institutionId });
  if (own.allowed) return { allowed: true, role: actingRole(principal, rule.ownInstitution), scope: "institution" };
  return own;
}

function actingRole(principal: Principal, allowed: readonly Role[]): Role {
  const role = principal.roles.find((candidate) => allowed.includes(candidate));
  if (role === undefined) throw new Error("authorize allowed a principal without an allowed role");
  return role;
}

/** The role to act in, or the error to refuse with (platform denial, or NOT_PRESCRIPTION_PARTICIPANT for not-own). */
export function permitted(grant: TargetGrant): Role {
  if (grant.allowed) return grant.role;
  if ("notOwn" in grant) throw refusal("NOT_PRESCRIPTION_PARTICIPANT");
  throw denialError(grant);
}
