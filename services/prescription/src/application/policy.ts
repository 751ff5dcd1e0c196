import { authorize, denialError, type Principal, requireHuman, type Role } from "@ihp/platform";

export type PrescriptionAction =
  | "DraftPrescription"
  | "RevisePrescription"
  | "ConfirmLines"
  | "ConfirmLongTermPlan"
  | "SignPrescription"
  | "ReadPrescription"
  | "GetPrescribingStatistics";

/**
 * Who may try what; anything not listed is refused (deny by default). Relationship checks (the consult's own
 * physician, the prescription's own patient) are the domain's.
 */
const RULES: { readonly [A in PrescriptionAction]: readonly Role[] } = {
  DraftPrescription: ["physician"],
  RevisePrescription: ["physician"],
  ConfirmLines: ["physician"],
  ConfirmLongTermPlan: ["patient"],
  SignPrescription: ["physician"],
  ReadPrescription: ["physician", "patient"],
  GetPrescribingStatistics: ["pharmacy_governance"],
};

/**
 * Writes: every one changes what a patient may be given, so only a person makes it (IDN-03, RX-01). A service or
 * bot credential — the `system` role, kind "service" — is refused with HUMAN_CLINICIAN_REQUIRED before any role check,
 * whatever roles it claims; the prescription service has no job of its own that writes a prescription (review
 * outcomes arrive from pharmacy's signed decision on the bus, not through these commands).
 */
const WRITES: ReadonlySet<PrescriptionAction> = new Set(["DraftPrescription", "RevisePrescription", "ConfirmLines", "ConfirmLongTermPlan", "SignPrescription"]);

/** The role the caller acts in (recorded as actorRole), or throws the platform's denial. */
export function authorized(action: PrescriptionAction, principal: Principal, tenantId?: string): Role {
  if (WRITES.has(action)) requireHuman(principal);
  const roles = RULES[action];
  const decision = authorize(principal, { roles, tenantId });
  if (!decision.allowed) throw denialError(decision);
  const role = principal.roles.find((candidate) => roles.includes(candidate));
  if (role === undefined) throw new Error("authorize allowed a principal without an allowed role");
  return role;
}
