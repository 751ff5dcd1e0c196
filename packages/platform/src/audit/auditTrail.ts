import type { EventStore, JsonObject, StoredEvent } from "@ihp/eventsourcing";
import type { Principal } from "../auth/principal.js";
import { traceFields, type TraceFields } from "../tracing/propagation.js";

/** Event type of a recorded refusal (XC-01, XC-02). */
export const ACCESS_REFUSED = "AccessRefused";

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
  return {
    async refused(attempt) {
      checkText("action", attempt.action);
      checkText("reason", attempt.reason);
      checkText("correlationId", attempt.correlationId);
      if (attempt.resource !== undefined) checkText("resource", attempt.resource);
      const at = options.clock();
      const { principal } = attempt;
      const trace = attempt.trace ?? traceFields();
      const data: JsonObject = {
        action: attempt.action,
        reason: attempt.reason,
        roles: principal === undefined ? [] : [...principal.roles],
      };
      if (attempt.resource !== undefined) data["resource"] = attempt.resource;
      if (attempt.ruleId !== undefined && attempt.ruleId !== "") data["ruleId"] = attempt.ruleId;
      const appended = await options.store.append(
        auditStreamId(options.context, at),
        [
          {
            id: options.newId(),
            type: ACCESS_REFUSED,
            schemaVersion: 1,
            data,
            metadata: {
              actorId: principal?.subject ?? ANONYMOUS,
              // EventMetadata has one role; all of them are in data.roles, since none was granted.
              actorRole: principal === undefined ? ANONYMOUS : principal.roles.join(","),
              tenantId: principal?.tenantId ?? "",
              correlationId: attempt.correlationId,
              causationId: attempt.correlationId,
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
    },
  };
}

/** `<context>-audit-<YYYY-MM-DD>`, the day in Beijing time. */
export function auditStreamId(context: string, at: Date): string {
  const day = new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
  return `${context}-audit-${day}`;
}

function checkText(field: string, value: string): void {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_TEXT) {
    throw new TypeError(`audit ${field} must be 1–${MAX_TEXT} characters`);
  }
}
