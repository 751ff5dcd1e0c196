import { authorize, type Decision, type Principal, type Role } from "@ihp/platform";

export type InstitutionAction = "RegisterInstitution" | "ChangeLicence" | "SetRegulatorConnection" | "GetInstitution";

interface Rule {
  /** Roles allowed for any institution. */
  readonly anyInstitution: readonly Role[];
  /** Roles allowed only for the institution their token names as tenant. */
  readonly ownInstitution: readonly Role[];
}

/**
 * Who may do what with institutions; anything not listed is refused (deny by default). Registering is the platform
 * operator's act ("system"), since an institution cannot vouch for itself before it exists.
 */
const RULES: { readonly [A in InstitutionAction]: Rule } = {
  RegisterInstitution: { anyInstitution: ["system"], ownInstitution: [] },
  ChangeLicence: { anyInstitution: ["system"], ownInstitution: ["institution_admin"] },
  SetRegulatorConnection: { anyInstitution: ["system"], ownInstitution: ["institution_admin"] },
  // Clinicians and patients of the institution read it too: consult checks its regulator connection (REP-01) and
  // approved subjects (IDN-06) with the caller's own token. The record holds no personal data.
  GetInstitution: {
    anyInstitution: ["system", "regulator"],
    ownInstitution: ["institution_admin", "physician", "nurse", "pharmacist", "patient"],
  },
};

/** Allowed with the role the caller acts in (recorded as actorRole), or refused with the platform's reason. */
export type Grant = { readonly allowed: true; readonly role: Role } | Extract<Decision, { allowed: false }>;

export function authorizeInstitution(action: InstitutionAction, principal: Principal, institutionId?: string): Grant {
  const rule = RULES[action];
  const wide = authorize(principal, { roles: rule.anyInstitution });
  if (wide.allowed) return { allowed: true, role: actingRole(principal, rule.anyInstitution) };
  if (rule.ownInstitution.length === 0 || institutionId === undefined) return wide;
  const own = authorize(principal, { roles: rule.ownInstitution, tenantId: institutionId });
  if (own.allowed) return { allowed: true, role: actingRole(principal, rule.ownInstitution) };
  return own;
}

function actingRole(principal: Principal, allowed: readonly Role[]): Role {
  const role = principal.roles.find((candidate) => allowed.includes(candidate));
  if (role === undefined) throw new Error("authorize allowed a principal without an allowed role");
  return role;
}
