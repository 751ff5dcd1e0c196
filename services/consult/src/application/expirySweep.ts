import type { Kysely } from "kysely";
import type { Caller } from "./caller.js";
import type { ConsultCommands } from "./consultCommands.js";
import { requireSystem } from "./policy.js";
import type { ConsultReadModels } from "./queuesProjection.js";
import { isRefusal } from "./refusals.js";

/**
 * Expires every consult still waiting after its acceptance window (run by a scheduler, or ExpireOverdueConsults).
 * The read model only nominates candidates; each expiry is decided on the consult's own stream, so a consult accepted
 * in the meantime is left alone.
 */
export function createExpirySweep(options: { commands: ConsultCommands; readModels: Kysely<ConsultReadModels>; clock: () => Date }) {
  return async function sweep(caller: Caller): Promise<string[]> {
    requireSystem(caller.principal);
    const now = options.clock().toISOString();
    const rows = await options.readModels
      .selectFrom("consults")
      .select("consult_id")
      .where("status", "=", "WAITING")
      .where("accept_by", "<", now)
      .orderBy("seq")
      .limit(500)
      .execute();
    const expired: string[] = [];
    for (const { consult_id: consultId } of rows) {
      try {
        await options.commands.expire(caller, consultId);
        expired.push(consultId);
      } catch (error) {
        if (!isRefusal(error)) throw error;
      }
    }
    return expired;
  };
}
