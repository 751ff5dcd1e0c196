import { JURISDICTIONS } from "@ihp/jurisdiction";
import { authorize, denialError, type Principal } from "@ihp/platform";
import { GatewayError } from "../../errors/gatewayError.js";
import type { FeedEntryView } from "./mapping.js";

/** A regulator whose token names this tenant sees every jurisdiction (国家级监管). */
const NATIONAL = "national";

/**
 * Which feed entries a subscriber may receive. The reporting service enforces this for queries; live entries come
 * from the bus straight to the gateway, so here the gateway is the one to deny by default: regulator role only,
 * and a provincial regulator (tenant = jurisdiction code) sees its own jurisdiction only.
 */
export function feedFilter(principal: Principal, requested: string | null | undefined): (entry: FeedEntryView) => boolean {
  const decision = authorize(principal, { roles: ["regulator"] });
  if (!decision.allowed) throw denialError(decision);
  // A tenant that is no jurisdiction (e.g. "unknown", which the feed uses for entries of unknown institutions) sees
  // nothing: the same refusal the reporting service gives for queries.
  if (!(JURISDICTIONS as readonly string[]).includes(principal.tenantId)) throw new GatewayError("JURISDICTION_NOT_ALLOWED");
  const wanted = requested ?? undefined;
  if (principal.tenantId !== NATIONAL && wanted !== undefined && wanted !== principal.tenantId) {
    throw new GatewayError("JURISDICTION_NOT_ALLOWED");
  }
  const jurisdiction = principal.tenantId === NATIONAL ? wanted : principal.tenantId;
  return jurisdiction === undefined ? () => true : (entry) => entry.jurisdiction === jurisdiction;
}
