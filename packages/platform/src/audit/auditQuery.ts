import { DomainError, type EventStore, type StoredEvent } from "@ihp/eventsourcing";
import { authorize, denialError } from "../auth/authorize.js";
import type { Principal } from "../auth/principal.js";
import { invalidCursor, PLATFORM_ERRORS } from "../errors/platformErrors.js";
import type { TraceFields } from "../tracing/propagation.js";
import { ACCESS_RECORDED, ACCESS_REFUSED, type AuditTrail, auditStreamId } from "./auditTrail.js";
import { recordingRefusals } from "./recordingRefusals.js";

/** The action every audit query is recorded under. */
export const LIST_AUDIT_RECORDS = "ListAuditRecords";

export type AuditRecordOutcome = "REFUSED" | "ALLOWED";

/** One audit record as it leaves the service: ids, codes and times only (no payload, no free text, no name). */
export interface AuditRecordView {
  readonly id: string;
  readonly service: string;
  readonly occurredAt: string;
  readonly action: string;
  readonly outcome: AuditRecordOutcome;
  /** The stable code of a refusal; undefined when allowed. */
  readonly reasonCode?: string | undefined;
  readonly ruleId?: string | undefined;
  readonly actorId: string;
  readonly actorRoles: readonly string[];
  /** The tenant the actor acted for; undefined for an anonymous caller. */
  readonly institutionId?: string | undefined;
  /** By id only, as the audit trail stored it; undefined when the access named none. */
  readonly resource?: string | undefined;
  readonly correlationId: string;
}

export interface AuditFilter {
  /** RFC 3339, inclusive. */
  readonly from: string;
  /** RFC 3339, exclusive; at most MAX_RANGE_DAYS after `from`. */
  readonly to: string;
  readonly actorId?: string | undefined;
  readonly action?: string | undefined;
  readonly outcome?: AuditRecordOutcome | undefined;
  readonly institutionId?: string | undefined;
  readonly first?: number | undefined;
  readonly after?: string | undefined;
}

export interface AuditPage {
  readonly records: readonly AuditRecordView[];
  /** Undefined when there is no further page. */
  readonly nextCursor?: string | undefined;
}

export interface AuditQueryCaller {
  readonly principal: Principal;
  readonly correlationId: string;
  readonly trace?: TraceFields | undefined;
}

export interface AuditQueryOptions {
  readonly store: Pick<EventStore, "readStream">;
  /** The service's bounded context: its audit streams are `<context>-audit-<day>`. */
  readonly context: string;
  /** Where refused and allowed audit queries are themselves recorded (the same trail they read). */
  readonly audit: AuditTrail;
}

export interface AuditQuery {
  list(caller: AuditQueryCaller, filter: AuditFilter): Promise<AuditPage>;
}

export const MAX_RANGE_DAYS = 31;
const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;
const DAY_MS = 24 * 60 * 60 * 1000;
const CURSOR_PREFIX = "audit:";
// Regulators' tokens name a jurisdiction as their tenant; "national" supervises every institution.
const NATIONAL = "national";
const SECURITY_REPORT = "security_report";

/**
 * Who sees which audit records (deny by default): medical administration (institution_admin) its own institution's,
 * a national regulator every institution's, the reporting service's `security_report` credential every institution's
 * (XC-07 daily security report). A regulator of one province would need to know which institutions it
 * supervises, which only identity knows; until the audit query can ask, it is refused with a stable code rather than
 * shown everything or nothing silently. Every query — refused or answered — is itself an audit record, and an
 * answered one is recorded before any record leaves the service.
 */
export function createAuditQuery(options: AuditQueryOptions): AuditQuery {
  return {
    async list(caller, filter) {
      const resource = `audit/${options.context}`;
      return recordingRefusals(options.audit, caller, LIST_AUDIT_RECORDS, resource, async () => {
        const institutionId = scope(caller.principal, filter.institutionId ?? "");
        const range = checkRange(filter.from, filter.to);
        const after = decodeCursor(filter.after ?? "");
        const first = Math.min(Math.max(filter.first ?? DEFAULT_PAGE, 1), MAX_PAGE);
        const scoped = institutionId === undefined ? `${resource}/*` : `${resource}/institution/${institutionId}`;
        await options.audit.recorded({
          principal: caller.principal,
          action: LIST_AUDIT_RECORDS,
          resource: scoped,
          correlationId: caller.correlationId,
          trace: caller.trace,
        });
        const events: StoredEvent[] = [];
        for (const streamId of dayStreams(options.context, range.from, range.to)) events.push(...(await options.store.readStream(streamId)));
        const matching = events
          .filter((event) => event.position > after)
          .map((event) => view(options.context, event))
          .filter((record): record is AuditRecordView & { position: bigint } => record !== undefined)
          .filter((record) => {
            const at = Date.parse(record.occurredAt);
            return (
              at >= range.from &&
              at < range.to &&
              (institutionId === undefined || record.institutionId === institutionId) &&
              (empty(filter.actorId) || record.actorId === filter.actorId) &&
              (empty(filter.action) || record.action === filter.action) &&
              (filter.outcome === undefined || record.outcome === filter.outcome)
            );
          })
          .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
        const page = matching.slice(0, first);
        const last = page.at(-1);
        return {
          records: page.map(({ position: _position, ...record }) => record),
          nextCursor: matching.length > first && last !== undefined ? encodeCursor(last.position) : undefined,
        };
      });
    },
  };
}

/** The institution the caller may read (undefined: every institution), or a refusal. */
function scope(principal: Principal, requested: string): string | undefined {
  const decision = authorize(principal, { roles: ["institution_admin", "regulator", SECURITY_REPORT] });
  if (!decision.allowed) throw denialError(decision);
  // XC-07: reporting's own credential reads every institution's records for the daily security report; the role is
  // honoured only on a service token, so no person can hold it.
  if (principal.roles.includes(SECURITY_REPORT) && principal.kind === "service") return requested === "" ? undefined : requested;
  if (principal.roles.includes("institution_admin")) {
    if (requested !== "" && requested !== principal.tenantId) {
      throw denialError({ allowed: false, reason: "TENANT_MISMATCH", message: PLATFORM_ERRORS.TENANT_MISMATCH.en });
    }
    return principal.tenantId;
  }
  if (principal.tenantId !== NATIONAL) {
    throw new DomainError("AUDIT_SCOPE_UNAVAILABLE", "PERMISSION_DENIED", PLATFORM_ERRORS.AUDIT_SCOPE_UNAVAILABLE.en, "XC-01");
  }
  return requested === "" ? undefined : requested;
}

function checkRange(from: string, to: string): { from: number; to: number } {
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (!RFC3339.test(from) || !RFC3339.test(to) || !Number.isFinite(start) || !Number.isFinite(end) || end <= start || end - start > MAX_RANGE_DAYS * DAY_MS) {
    throw new DomainError("AUDIT_RANGE_INVALID", "INVALID_ARGUMENT", PLATFORM_ERRORS.AUDIT_RANGE_INVALID.en);
  }
  return { from: start, to: end };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** The audit streams of every Beijing civil day the range touches. */
function dayStreams(context: string, from: number, to: number): string[] {
  const streams: string[] = [];
  for (let at = from; at < to + DAY_MS; at += DAY_MS) {
    const stream = auditStreamId(context, new Date(Math.min(at, to - 1)));
    if (streams.at(-1) !== stream) streams.push(stream);
  }
  return streams;
}

function view(service: string, event: StoredEvent): (AuditRecordView & { position: bigint }) | undefined {
  if (event.type !== ACCESS_REFUSED && event.type !== ACCESS_RECORDED) return undefined;
  const text = (key: string): string | undefined => {
    const value = event.data[key];
    return typeof value === "string" ? value : undefined;
  };
  const roles = event.data["roles"];
  return {
    position: event.position,
    id: event.id,
    service,
    occurredAt: event.metadata.occurredAt,
    action: text("action") ?? "",
    outcome: event.type === ACCESS_REFUSED ? "REFUSED" : "ALLOWED",
    reasonCode: event.type === ACCESS_REFUSED ? text("reason") : undefined,
    ruleId: text("ruleId"),
    actorId: event.metadata.actorId,
    actorRoles: Array.isArray(roles) ? roles.filter((role): role is string => typeof role === "string") : [],
    // The trail stores an anonymous caller's tenant as "".
    institutionId: event.metadata.tenantId === "" ? undefined : event.metadata.tenantId,
    resource: text("resource"),
    correlationId: event.metadata.correlationId,
  };
}

function empty(value: string | undefined): boolean {
  return value === undefined || value === "";
}

function encodeCursor(position: bigint): string {
  return Buffer.from(`${CURSOR_PREFIX}${position.toString()}`, "utf8").toString("base64url");
}

/** 0n for no cursor; a cursor this service did not issue is INVALID_CURSOR. */
function decodeCursor(cursor: string): bigint {
  if (cursor === "") return 0n;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const digits = text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : "";
  if (!/^\d{1,30}$/.test(digits) || encodeCursor(BigInt(digits)) !== cursor) throw invalidCursor();
  return BigInt(digits);
}
