import { type DomainError, type EventStore, uuidv7 } from "@ihp/eventsourcing";
import { JURISDICTIONS, JurisdictionError } from "@ihp/jurisdiction";
import { authorize, createAuditTrail, denialError, type Principal, type Role } from "@ihp/platform";
import { workingDayCalendarNotLoaded } from "../../domain/anomalies/anomalyErrors.js";
import { deliveryScopeInvalid, invalidJurisdiction, jurisdictionNotAllowed, regulatorChannelUnknown } from "../../domain/delivery/deliveryErrors.js";
import type { DeliverySummary, UploadDueOn } from "../../domain/delivery/deliverySummary.js";
import { institutionJurisdiction } from "../institutionJurisdiction.js";
import type { DeliveryStatus } from "./deliveryLedger.js";

/** A jurisdiction, or one institution (with the jurisdiction the feed recorded for it). */
export interface DeliveryScope {
  readonly jurisdiction: string;
  readonly institutionId?: string | undefined;
}

export type ScopeStatus = DeliveryStatus & { readonly adapter: string; readonly summary: DeliverySummary };

/** What the access rules need of the configured channels. */
export interface DeliveryChannels {
  /** The channel that carries a jurisdiction's messages: its own, else the national one; undefined when none. */
  channelFor(jurisdiction: string): string | undefined;
  scopeStatus(scope: DeliveryScope, dueOn: UploadDueOn): Promise<ScopeStatus>;
  /** Replays the scope's dead letters in its channel; resolves to the messages revived. */
  replayScope(scope: DeliveryScope, requestedBy: string): Promise<number>;
}

const isJurisdiction = (code: string): boolean => (JURISDICTIONS as readonly string[]).includes(code);

/** What a caller asks about: exactly one of the two ("" is absent). */
export interface ScopeRequest {
  readonly jurisdiction: string;
  readonly institutionId: string;
}

/**
 * Who may see and steer delivery (REP-04), in one place for gRPC and HTTP. The role first, then the request's shape,
 * then the tenant: status to a regulator of the jurisdiction or of the institution's jurisdiction (national: any) or an
 * institution administrator for its own institution; replay to `system`, or an institution administrator
 * for its own institution's messages. Deny by default; every refusal is recorded (AccessRefused, rule REP-04) and
 * thrown as a DomainError with a stable code.
 */
export function deliveryAccess(channels: DeliveryChannels, store: EventStore, clock: () => Date, dueOn: UploadDueOn) {
  const newId = (): string => uuidv7(clock().getTime());
  const trail = createAuditTrail({ store, context: "reporting", clock, newId });

  async function refuse(principal: Principal, action: string, request: ScopeRequest, error: DomainError): Promise<never> {
    const resource = request.institutionId !== "" ? `regulator-delivery/institution/${request.institutionId}` : `regulator-delivery/${request.jurisdiction || "*"}`;
    await trail.refused({ principal, action, reason: error.code, resource, ruleId: "REP-04", correlationId: newId(), trace: {} });
    throw error;
  }

  /** The scope the caller may act on, or the refusal. */
  async function scopeFor(principal: Principal, action: string, request: ScopeRequest, roles: readonly Role[]): Promise<DeliveryScope> {
    const decision = authorize(principal, { roles: [...roles] });
    if (!decision.allowed) return refuse(principal, action, request, denialError(decision) as DomainError);
    const { jurisdiction, institutionId } = request;
    if ((jurisdiction === "") === (institutionId === "")) return refuse(principal, action, request, deliveryScopeInvalid());
    const system = principal.roles.includes("system");
    const regulator = principal.roles.includes("regulator");
    if (institutionId === "") {
      if (!system && !regulator) return refuse(principal, action, request, jurisdictionNotAllowed());
      if (!isJurisdiction(jurisdiction)) return refuse(principal, action, request, invalidJurisdiction());
      if (!system && principal.tenantId !== "national" && principal.tenantId !== jurisdiction) return refuse(principal, action, request, jurisdictionNotAllowed());
      return { jurisdiction };
    }
    if (!system && !regulator) {
      const own = authorize(principal, { roles: [...roles], tenantId: institutionId });
      if (!own.allowed) return refuse(principal, action, request, denialError(own) as DomainError);
    }
    const registered = await institutionJurisdiction(store, institutionId);
    if (regulator && !system && principal.tenantId !== "national" && principal.tenantId !== registered) return refuse(principal, action, request, jurisdictionNotAllowed());
    return { jurisdiction: registered, institutionId };
  }

  return {
    async status(principal: Principal, request: ScopeRequest): Promise<ScopeStatus> {
      // The dashboard's access (the agreed GraphQL contract): regulators and institution administrators, not `system`.
      const scope = await scopeFor(principal, "GetDeliveryStatus", request, ["regulator", "institution_admin"]);
      try {
        return await channels.scopeStatus(scope, dueOn);
      } catch (error) {
        // REP-02 deadlines are never guessed: an upload whose 7 working days run into an unloaded year stops the answer.
        if (error instanceof JurisdictionError && error.code === "CALENDAR_NOT_COVERED") return refuse(principal, "GetDeliveryStatus", request, workingDayCalendarNotLoaded());
        throw error;
      }
    },

    async replay(principal: Principal, request: ScopeRequest): Promise<number> {
      const scope = await scopeFor(principal, "ReplayDeadLetters", request, ["system", "institution_admin"]);
      if (channels.channelFor(scope.jurisdiction) === undefined) return refuse(principal, "ReplayDeadLetters", request, regulatorChannelUnknown());
      return channels.replayScope(scope, principal.subject);
    },
  };
}

export type DeliveryAccess = ReturnType<typeof deliveryAccess>;
