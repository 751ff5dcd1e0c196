import { type EventStore, uuidv7 } from "@ihp/eventsourcing";
import { createAuditTrail, type Principal } from "@ihp/platform";

/** A refused attempt to read the feed: who, what, why (ARCHITECTURE §8, XC-01/XC-02). When comes from the clock. */
export interface FeedRefusal {
  readonly principal: Principal;
  /** The RPC, e.g. "ListFeed". */
  readonly action: string;
  /** Stable denial code, e.g. ROLE_NOT_ALLOWED or JURISDICTION_NOT_ALLOWED. */
  readonly reason: string;
  /** The jurisdiction the caller asked for ("" for all it may see). */
  readonly requestedJurisdiction: string;
  readonly traceparent?: string | undefined;
  readonly tracestate?: string | undefined;
}

export interface RefusalRecorder {
  refused(refusal: FeedRefusal): Promise<void>;
}

/**
 * Refusals go to the platform's audit trail: an AccessRefused event in this service's own tamper-evident log
 * (stream reporting-audit-<day>), with ids and codes only — no token, no personal data. The resource names the part
 * of the feed asked for ("regulator-feed/tianjin", "regulator-feed/*").
 */
export function auditRefusalRecorder(store: EventStore, clock: () => Date): RefusalRecorder {
  const newId = (): string => uuidv7(clock().getTime());
  const trail = createAuditTrail({ store, context: "reporting", clock, newId });
  return {
    async refused(refusal) {
      const trace = { traceparent: refusal.traceparent, tracestate: refusal.tracestate };
      await trail.refused({
        principal: refusal.principal,
        action: refusal.action,
        reason: refusal.reason,
        resource: `regulator-feed/${refusal.requestedJurisdiction === "" ? "*" : refusal.requestedJurisdiction}`,
        ruleId: "REP-04",
        // The request's trace id ties the refusal to the gateway's logs; a call without trace context gets its own id.
        correlationId: traceId(refusal.traceparent) ?? newId(),
        trace,
      });
    },
  };
}

function traceId(traceparent: string | undefined): string | undefined {
  const id = traceparent?.split("-")[1];
  return id !== undefined && /^[0-9a-f]{32}$/.test(id) ? id : undefined;
}
