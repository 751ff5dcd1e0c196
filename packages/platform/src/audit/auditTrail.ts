import { createHash } from "node:crypto";
import type { EventStore, JsonObject, StoredEvent } from "@ihp/eventsourcing";
import type { Principal } from "../auth/principal.js";
import { traceFields, type TraceFields } from "../tracing/propagation.js";

/** Event type of a recorded refusal (XC-01, XC-02). */
export const ACCESS_REFUSED = "AccessRefused";

/** Event type of an allowed access recorded because it is sensitive (an audit query, 统方 statistics; XC-01). */
export const ACCESS_RECORDED = "AccessRecorded";

/** Actor id and role recorded when the refused caller could not be identified. */
export const ANONYMOUS = "anonymous";

export interface RefusedAttempt {
  /** Who tried. Undefined when the caller could not be identified. */
  readonly principal?: Principal | undefined;
  /** What was attempted, e.g. "RegisterInstitution". */
  readonly action: string;
  /** Why, as a stable code: ROLE_NOT_ALLOWED, TENANT_MISMATCH, or a domain code such as INVALID_LICENCE. */
  readonly reason: string;
  /** What the attempt was aimed at, by id only (e.g. "institution/0193…"): never a name or other personal data. */
  readonly resource?: string | undefined;
  /** REQUIREMENTS.md rule the refusal enforced, if any. */
  readonly ruleId?: string | undefined;
  readonly correlationId: string;
  /** Trace context of the refused request. Default: the active span's. */
  readonly trace?: TraceFields | undefined;
}

export interface RecordedAccess {
  /** Who was allowed. */
  readonly principal: Principal;
  /** What they did, e.g. "ListAuditRecords". */
  readonly action: string;
  /** What it was aimed at, by id only (e.g. "audit/institution/0193…"): never a name, a purpose text or a filter value. */
  readonly resource?: string | undefined;
  readonly ruleId?: string | undefined;
  readonly correlationId: string;
  readonly trace?: TraceFields | undefined;
}

export interface AuditTrailOptions {
  /** The service's own event store: refusals sit in its tamper-evident log next to what was allowed. */
  readonly store: Pick<EventStore, "append">;
  /** Bounded context, e.g. "identity"; the first part of the stream id. */
  readonly context: string;
  readonly clock: () => Date;
  /** Event ids (UUIDv7 in production). */
  readonly newId: () => string;
}

export interface AuditTrail {
  /** Appends an AccessRefused event and returns it as stored. Rejects when the store does; callers decide. */
  refused(attempt: RefusedAttempt): Promise<StoredEvent>;
  /**
   * Appends an AccessRecorded event for an allowed but sensitive access, before its result is handed out: a read
   * that could not be recorded does not happen. Rejects when the store does.
   */
  recorded(access: RecordedAccess): Promise<StoredEvent>;
}

const CONTEXT = /^[a-z][a-z0-9-]{0,62}$/;
const MAX_TEXT = 200;
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * Records refused attempts as events (ARCHITECTURE §8: every refused attempt is itself logged; XC-02). The event says
 * who (subject id, roles, tenant), what (action, resource id), why (stable reason code, rule id) and when; it carries
 * no personal data, so it never needs crypto-shredding and can be kept as long as the log.
 *
 * One stream per civil day, `<context>-audit-<YYYY-MM-DD>`, so no stream grows without bound; the day is Beijing
 * time (UTC+8) like every civil date on the platform, so a daily security-log report reads one stream. Appends use
 * expectedRevision "any": refusals are independent facts, and making concurrent ones conflict would only add retries.
 */
export function createAuditTrail(options: AuditTrailOptions): AuditTrail {
  if (!CONTEXT.test(options.context)) throw new TypeError(`invalid audit context ${JSON.stringify(options.context)}`);
  async function append(
    type: typeof ACCESS_REFUSED | typeof ACCESS_RECORDED,
    entry: RefusedAttempt | RecordedAccess,
    data: JsonObject,
  ): Promise<StoredEvent> {
    checkText("action", entry.action);
    checkText("correlationId", entry.correlationId);
    const resource = entry.resource === undefined ? undefined : boundedResource(entry.resource);
    const at = options.clock();
    const { principal } = entry;
    const trace = entry.trace ?? traceFields();
    data["roles"] = principal === undefined ? [] : [...principal.roles];
    if (resource !== undefined) data["resource"] = resource;
    if (entry.ruleId !== undefined && entry.ruleId !== "") data["ruleId"] = entry.ruleId;
    const appended = await options.store.append(
      auditStreamId(options.context, at),
      [
        {
          id: options.newId(),
          type,
          schemaVersion: 1,
          data,
          metadata: {
            actorId: principal?.subject ?? ANONYMOUS,
            // EventMetadata has one role; all of them are in data.roles (a refusal granted none).
            actorRole: principal === undefined ? ANONYMOUS : principal.roles.join(","),
            tenantId: principal?.tenantId ?? "",
            correlationId: entry.correlationId,
            causationId: entry.correlationId,
            occurredAt: at.toISOString(),
            ...(trace.traceparent === undefined ? {} : { traceparent: trace.traceparent }),
            ...(trace.tracestate === undefined ? {} : { tracestate: trace.tracestate }),
          },
        },
      ],
      "any",
    );
    const [event] = appended.events;
    if (event === undefined) throw new Error("audit append returned no event");
    return event;
  }

  return {
    refused(attempt) {
      checkText("reason", attempt.reason);
      return append(ACCESS_REFUSED, attempt, { action: attempt.action, reason: attempt.reason });
    },
    recorded(access) {
      return append(ACCESS_RECORDED, access, { action: access.action });
    },
  };
}

/** `<context>-audit-<YYYY-MM-DD>`, the day in Beijing time. */
export function auditStreamId(context: string, at: Date): string {
  const day = new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
  return `${context}-audit-${day}`;
}

const RESOURCE_KIND = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * The resource as recorded. Resources name what was aimed at by id, and ids come from the caller: one too long to
 * record must not stop the refusal from being recorded (XC-02), nor reach the log as text. It is kept as its kind
 * (`practitioner/…`) and the SHA-256 of the whole, which still matches the same attempt again.
 */
function boundedResource(resource: string): string {
  if (typeof resource === "string" && resource.length > MAX_TEXT) {
    const slash = resource.indexOf("/");
    const kind = slash > 0 && RESOURCE_KIND.test(resource.slice(0, slash)) ? resource.slice(0, slash) : "resource";
    return `${kind}/sha256:${createHash("sha256").update(resource, "utf8").digest("hex")}`;
  }
  checkText("resource", resource);
  return resource;
}

function checkText(field: string, value: string): void {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_TEXT) {
    throw new TypeError(`audit ${field} must be 1–${MAX_TEXT} characters`);
  }
}
