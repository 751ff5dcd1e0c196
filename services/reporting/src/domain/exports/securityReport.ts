// XC-07 (Yinchuan art. 24, 日安全运行报告): the daily report of security-relevant events. Pure: the caller collects
// minimized audit records (ids and codes, as ihp.audit.v1.AuditRecord carries them) for one Beijing day.

export type SecurityKind = "REFUSAL" | "LOCKOUT" | "STEP_UP" | "KEY_EVENT";

export const SECURITY_KINDS: readonly SecurityKind[] = ["REFUSAL", "LOCKOUT", "STEP_UP", "KEY_EVENT"];

/** One audit record as a service's trail holds it (AccessRefused / AccessRecorded), minimized. */
export interface SecurityRecord {
  readonly service: string;
  readonly occurredAt: string;
  readonly action: string;
  readonly outcome: "REFUSED" | "ALLOWED";
  /** The refusal's stable code; "" when allowed. */
  readonly reasonCode: string;
  readonly ruleId: string;
  /** The tenant the actor acted for (an institution, a jurisdiction, "platform"); never a person. */
  readonly institutionId: string;
}

/** A report line: what, where, when and which code — no actor, no resource, no free text. */
export type SecurityLine = Pick<SecurityRecord, "service" | "occurredAt" | "action" | "reasonCode" | "ruleId" | "institutionId"> & { readonly kind: SecurityKind };

export interface SecurityReport {
  readonly day: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly profileVersion: string;
  readonly generatedAt: string;
  /** The services whose trails the report read: a service missing here was not looked at. */
  readonly sources: readonly string[];
  /**
   * Configured services whose trails could not be read this time (unreachable, refused): their events are not in the
   * counts. A report with any is written but not recorded as done, so the next run tries again.
   */
  readonly missingSources: readonly string[];
  readonly counts: Readonly<Record<SecurityKind, number>>;
  readonly byCode: readonly { readonly kind: SecurityKind; readonly code: string; readonly count: number }[];
  readonly lines: readonly SecurityLine[];
}

/** Refusals that lock a login out or throttle it (identity's codes). */
const LOCKOUT_CODES: ReadonlySet<string> = new Set(["ACCOUNT_LOCKED", "LOGIN_THROTTLED"]);
/** Allowed acts that are security events: step-ups, and the destruction of keys (erasures, shredding). */
const STEP_UP_ACTION = /StepUp/;
const KEY_ACTION = /Erasure|KeyDestroy|DestroyKey|KeyReissued|Shred/;

export function classifySecurityRecord(record: SecurityRecord): SecurityKind | undefined {
  if (record.outcome === "REFUSED") return LOCKOUT_CODES.has(record.reasonCode) ? "LOCKOUT" : "REFUSAL";
  if (STEP_UP_ACTION.test(record.action)) return "STEP_UP";
  if (KEY_ACTION.test(record.action)) return "KEY_EVENT";
  // Other recorded accesses (audit and statistics queries) are audit, not security-operation, events.
  return undefined;
}

export function securityReport(
  records: readonly SecurityRecord[],
  facts: Omit<SecurityReport, "counts" | "byCode" | "lines">,
): SecurityReport {
  const counts: Record<SecurityKind, number> = { REFUSAL: 0, LOCKOUT: 0, STEP_UP: 0, KEY_EVENT: 0 };
  const codes = new Map<string, { kind: SecurityKind; code: string; count: number }>();
  const lines: SecurityLine[] = [];
  for (const record of [...records].sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0))) {
    const kind = classifySecurityRecord(record);
    if (kind === undefined) continue;
    counts[kind] += 1;
    const code = record.reasonCode === "" ? record.action : record.reasonCode;
    const key = `${kind}/${code}`;
    const entry = codes.get(key) ?? { kind, code, count: 0 };
    entry.count += 1;
    codes.set(key, entry);
    const { service, occurredAt, action, reasonCode, ruleId, institutionId } = record;
    lines.push({ kind, service, occurredAt, action, reasonCode, ruleId, institutionId });
  }
  const byCode = [...codes.values()].sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1));
  return { ...facts, counts, byCode, lines };
}
