/** Roles the platform knows (REQUIREMENTS roles; pharmacy_governance is the only role allowed 统方 statistics). */
export const ROLES = [
  "patient",
  "physician",
  "nurse",
  "pharmacist",
  "institution_admin",
  "regulator",
  "pharmacy_governance",
  "system",
  // A hospital's own system (HIS, LIS, PACS) sending to services/integration: kind "service", tenant = its institution.
  "integration",
  // Medical-records staff (病案管理人员, REC-09): read records by role, copies, sealing, custody, retention lists.
  "records_officer",
  // The records service's own credential (kind service): reads a closed consult's clinical source, never writes.
  "records",
  // The reporting service's own credential for the XC-07 daily security report (kind service): lists every service's
  // minimized audit records (ListAuditRecords, all institutions) and nothing else.
  "security_report",
] as const;

export type Role = (typeof ROLES)[number];

/** Roles that are never a person: a token carrying one is kind "service" unless it says otherwise. */
export const SERVICE_ROLES: readonly Role[] = ["system", "integration", "records", "security_report"];

/** Roles of the people who act clinically and may step up (IDN-03) and hold passkeys: physician, nurse, pharmacist. */
export const CLINICAL_ROLES: readonly Role[] = ["physician", "nurse", "pharmacist"];

/** The kind a token without an explicit kind claim gets from its roles. */
export function defaultKindOf(roles: readonly string[]): PrincipalKind {
  return roles.some((role) => (SERVICE_ROLES as readonly string[]).includes(role)) ? "service" : "human";
}

const ROLE_SET: ReadonlySet<string> = new Set(ROLES);

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && ROLE_SET.has(value);
}

/** A person, or a service calling on its own behalf (relay, policies, scheduled jobs). */
export type PrincipalKind = "human" | "service";

/** Who is calling, as established from a verified token. */
export interface Principal {
  /** Stable subject id (the token's `sub`); never a name or ID number. */
  readonly subject: string;
  readonly roles: readonly Role[];
  /** Institution the caller acts for (the token's `tenant`). */
  readonly tenantId: string;
  readonly kind: PrincipalKind;
  /** Authentication context class, for step-up checks (e.g. a CA-certificate login before signing). */
  readonly acr?: string | undefined;
  /** Authentication methods used, e.g. ["pwd", "otp"]. */
  readonly amr?: readonly string[] | undefined;
  /** When the person last actively authenticated, in seconds since the epoch. */
  readonly authTime?: number | undefined;
  /** Login session the token belongs to (the token's `sid`): identity ends superseded sessions (IDN-08). */
  readonly sessionId?: string | undefined;
}

/** IDN-03: whether a caller is a person with a clinical role, the first thing asked of anyone who would step up. */
export function isHumanClinician(principal: Principal): boolean {
  return principal.kind === "human" && principal.roles.some((role) => CLINICAL_ROLES.includes(role));
}
