import { type DomainError, type EventStore, uuidv7 } from "@ihp/eventsourcing";
import { authorize, createAuditTrail, denialError, type Principal } from "@ihp/platform";
import { jurisdictionNotAllowed, regulatorChannelUnknown } from "../../domain/delivery/deliveryErrors.js";
import type { DeliveryStatus } from "./deliveryLedger.js";

/** What the access rules need of the configured channels. */
export interface DeliveryChannels {
  hasChannel(jurisdiction: string): boolean;
  adapterOf(jurisdiction: string): string;
  status(jurisdiction: string): Promise<DeliveryStatus>;
  replay(jurisdiction: string, requestedBy: string): Promise<number>;
}

/**
 * Who may see and steer delivery (REP-04), in one place for gRPC and HTTP. Status: a regulator of the jurisdiction
 * (national: any) or `system`. Replay: `system` only. Deny by default; every refusal is recorded (AccessRefused, rule
 * REP-04) and thrown as a DomainError with a stable code.
 */
export function deliveryAccess(channels: DeliveryChannels, store: EventStore, clock: () => Date) {
  const newId = (): string => uuidv7(clock().getTime());
  const trail = createAuditTrail({ store, context: "reporting", clock, newId });

  async function refuse(principal: Principal, action: string, jurisdiction: string, error: DomainError): Promise<never> {
    await trail.refused({ principal, action, reason: error.code, resource: `regulator-delivery/${jurisdiction || "*"}`, ruleId: "REP-04", correlationId: newId(), trace: {} });
    throw error;
  }

  return {
    async status(principal: Principal, jurisdiction: string): Promise<DeliveryStatus & { readonly adapter: string }> {
      const decision = authorize(principal, { roles: ["regulator", "system"] });
      if (!decision.allowed) return refuse(principal, "GetDeliveryStatus", jurisdiction, denialError(decision) as DomainError);
      const ownJurisdiction = principal.roles.includes("system") || principal.tenantId === "national" || principal.tenantId === jurisdiction;
      if (!ownJurisdiction) return refuse(principal, "GetDeliveryStatus", jurisdiction, jurisdictionNotAllowed());
      if (!channels.hasChannel(jurisdiction)) return refuse(principal, "GetDeliveryStatus", jurisdiction, regulatorChannelUnknown());
      return { ...(await channels.status(jurisdiction)), adapter: channels.adapterOf(jurisdiction) };
    },

    async replay(principal: Principal, jurisdiction: string): Promise<number> {
      const decision = authorize(principal, { roles: ["system"] });
      if (!decision.allowed) return refuse(principal, "ReplayDeadLetters", jurisdiction, denialError(decision) as DomainError);
      if (!channels.hasChannel(jurisdiction)) return refuse(principal, "ReplayDeadLetters", jurisdiction, regulatorChannelUnknown());
      return channels.replay(jurisdiction, principal.subject);
    },
  };
}

export type DeliveryAccess = ReturnType<typeof deliveryAccess>;
