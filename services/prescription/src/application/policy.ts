import { authorize, denialError, type Principal, type Role } from "@ihp/platform";

export type PrescriptionAction =
  | "DraftPrescription"
  | "RevisePrescription"
  | "ConfirmLines"
  | "ConfirmLongTermPlan"
  | "SignPrescription"
  | "ReadPrescription"
  | "GetPrescribingStatistics";

/**
 * Who may try what; anything not listed is refused (deny by default). "system" may draft and revise so an assistant
 * service can propose lines (RX-01); it may also reach signing and confirming, where the domain refuses it with
 * HUMAN_CLINICIAN_REQUIRED rather than a bare role denial. Relationship checks (the consult's own physician, the
 * prescription's own patient) are the domain's.
 */
const RULES: { readonly [A in PrescriptionAction]: readonly Role[] } = {
  DraftPrescription: ["physician", "system"],
  RevisePrescription: ["physician", "system"],
  ConfirmLines: ["physician", "system"],
  ConfirmLongTermPlan: ["patient"],
  SignPrescription: ["physician", "system"],
  ReadPrescription: ["physician", "patient"],
  GetPrescribingStatistics: ["pharmacy_governance"],
};

/** The role the caller acts in (recorded as actorRole), or throws the platform's denial. */
export function authorized(action: PrescriptionAction, principal: Principal, tenantId?: string): Role {
  const roles = RULES[action];
  const decision = authorize(principal, { roles, tenantId });
  if (!decision.allowed) throw denialError(decision);
  const role = principal.roles.find((candidate) => roles.includes(candidate));
  if (role === undefined) throw new Error("authorize allowed a principal without an allowed role");
  return role;
}
