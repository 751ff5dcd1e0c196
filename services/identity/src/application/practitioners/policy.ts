import { authorize, type Decision, type Principal, type Role } from "@ihp/platform";

export type PractitionerAction =
  | "RegisterPractitioner"
  | "VerifyRegistration"
  | "VerifyIdentity"
  | "RecordPracticeDocument"
  | "EnablePractitioner"
  | "ChangePractice"
  | "SuspendPractitioner"
  | "ReinstatePractitioner"
  | "RevokePractitioner"
  | "RecordPractitionerExit"
  | "GetPractitioner"
  | "ListPractitioners";

interface Rule {
  readonly anyInstitution: readonly Role[];
  readonly ownInstitution: readonly Role[];
  /** Practitioner roles that may act on their own record (token `sub` = practitioner id). */
  readonly self: readonly Role[];
}

const ADMIN: Rule = { anyInstitution: ["system"], ownInstitution: ["institution_admin"], self: [] };

/** Deny by default: the institution's admin manages its practitioners; the platform operator anywhere. */
const RULES: { readonly [A in PractitionerAction]: Rule } = {
  RegisterPractitioner: ADMIN,
  VerifyRegistration: ADMIN,
  VerifyIdentity: ADMIN,
  RecordPracticeDocument: ADMIN,
  EnablePractitioner: ADMIN,
  ChangePractice: ADMIN,
  SuspendPractitioner: ADMIN,
  ReinstatePractitioner: ADMIN,
  RevokePractitioner: ADMIN,
  RecordPractitionerExit: ADMIN,
  GetPractitioner: {
    anyInstitution: ["system", "regulator"],
    ownInstitution: ["institution_admin"],
    self: ["physician", "nurse", "pharmacist"],
  },
  ListPractitioners: { anyInstitution: ["system", "regulator"], ownInstitution: ["institution_admin"], self: [] },
};

export type Grant = { readonly allowed: true; readonly role: Role } | Extract<Decision, { allowed: false }>;

/** Whether the caller's roles could ever allow the action (checked before anything is read, so nothing leaks). */
export function mayAttempt(action: PractitionerAction, principal: Principal): Grant {
  const rule = RULES[action];
  const decision = authorize(principal, { roles: [...rule.anyInstitution, ...rule.ownInstitution, ...rule.self] });
  return decision.allowed ? { allowed: true, role: principal.roles[0] ?? "system" } : decision;
}

/** The full check once the practitioner's institution (and id) are known. */
export function authorizePractitioner(
  action: PractitionerAction,
  principal: Principal,
  institutionId: string,
  practitionerId?: string,
): Grant {
  const rule = RULES[action];
  const wide = authorize(principal, { roles: rule.anyInstitution });
  if (wide.allowed) return { allowed: true, role: actingRole(principal, rule.anyInstitution) };
  if (practitionerId !== undefined && principal.subject === practitionerId && rule.self.length > 0) {
    const self = authorize(principal, { roles: rule.self, tenantId: institutionId });
    if (self.allowed) return { allowed: true, role: actingRole(principal, rule.self) };
  }
  if (rule.ownInstitution.length === 0) return wide;
  const own = authorize(principal, { roles: rule.ownInstitution, tenantId: institutionId });
  if (own.allowed) return { allowed: true, role: actingRole(principal, rule.ownInstitution) };
  return own;
}

function actingRole(principal: Principal, allowed: readonly Role[]): Role {
  const role = principal.roles.find((candidate) => allowed.includes(candidate));
  if (role === undefined) throw new Error("authorize allowed a principal without an allowed role");
  return role;
}
