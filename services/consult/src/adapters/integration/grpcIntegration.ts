import type { ChannelCredentials } from "@grpc/grpc-js";
import { IntegrationQueryServiceService } from "@ihp/contracts/integration";
import { fromGrpcError, RemoteError, serviceClient } from "@ihp/platform";
import type { Caller } from "../../application/caller.js";
import type { HisEncounter, HisEncounterPort } from "../../application/ports.js";

const CALL_MS = 5_000;

/**
 * HisEncounterPort over the integration service's IntegrationQueryService.GetEncounter (CON-03 evidence linked from
 * HIS). The caller's own token is forwarded: integration decides whether they may read the encounter. NOT_FOUND is
 * "no such encounter" (null); every other failure is passed on as integration's stable code.
 */
export function grpcHisEncounters(address: string, credentials: ChannelCredentials): HisEncounterPort & { close(): void } {
  const client = serviceClient(IntegrationQueryServiceService, address, credentials, { mapError: fromGrpcError });
  return {
    async encounter(caller: Caller, institutionId: string, encounterId: string): Promise<HisEncounter | null> {
      const scope = { token: caller.token, timeoutMs: CALL_MS, parentDeadline: caller.deadline };
      const response = await client.getEncounter({ institutionId, encounterId }, scope).catch((error: unknown) => {
        if (error instanceof RemoteError && error.kind === "NOT_FOUND") return null;
        throw error;
      });
      const found = response?.encounter;
      if (found === undefined) return null;
      return {
        encounterId: found.encounterId,
        institutionId: found.institutionId,
        patientId: found.patientId,
        hisPatientId: found.hisPatientId,
        encounterDate: found.encounterDate,
        recordType: found.recordType,
        diagnoses: found.diagnoses.map(({ code, name, version }) => ({ code, name, version })),
      };
    },
    close: () => client.close(),
  };
}
