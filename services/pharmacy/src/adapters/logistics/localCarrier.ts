import { createHash } from "node:crypto";
import type { LogisticsPort, ShipmentRequest, TrackingEvent } from "../../application/ports.js";

export const LOCAL_CARRIER = "IHP-LOCAL";

const HOUR_MS = 60 * 60 * 1000;
const TRACKING = /^LC([0-9a-z]{1,12})-([0-9A-F]{8})$/;

/**
 * The embedded logistics adapter: NOT a carrier. It stands in for the institution's own courier (or a contracted one)
 * so the flow runs end to end on one machine. Deterministic and stateless: the tracking number encodes the handover
 * time, and tracking reports IN_TRANSIT one hour after handover and DELIVERED 24 hours after it. A real carrier
 * adapter implements LogisticsPort against the carrier's API under the institution's delivery agreement.
 */
export function localCarrier(options: { readonly agreementId: string }): LogisticsPort {
  return {
    createShipment(request: ShipmentRequest) {
      const handedOverAt = new Date(Math.floor(request.at.getTime() / 1000) * 1000);
      const check = createHash("sha256").update(request.deliveryId).digest("hex").slice(0, 8).toUpperCase();
      const trackingNumber = `LC${(handedOverAt.getTime() / 1000).toString(36)}-${check}`;
      return Promise.resolve({ carrier: LOCAL_CARRIER, agreementId: options.agreementId, trackingNumber, handedOverAt: handedOverAt.toISOString() });
    },

    trackingEvents(trackingNumber: string, now: Date) {
      const match = TRACKING.exec(trackingNumber);
      if (match === null) return Promise.resolve([]);
      const handedOver = parseInt(match[1]!, 36) * 1000;
      const schedule: TrackingEvent[] = [
        { status: "IN_TRANSIT", at: new Date(handedOver + HOUR_MS).toISOString() },
        { status: "DELIVERED", at: new Date(handedOver + 24 * HOUR_MS).toISOString() },
      ];
      return Promise.resolve(schedule.filter((event) => Date.parse(event.at) <= now.getTime()));
    },
  };
}
