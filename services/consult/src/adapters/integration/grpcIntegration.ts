import type { ChannelCredentials } from "@grpc/grpc-js";
import { IntegrationQueryServiceClient } from "@ihp/contracts/integration";
import { callDeadline, fromGrpcError, inProcessClientOptions, outgoingMetadata } from "@ihp/platform";
import type { Caller } from "../../application/caller.js";
import type { HisEncounter, HisEncounterPort } from "../../application/ports.js";

const CALL_MS = 5_000;

/**
 * HisEncounterPort over the integration service's IntegrationQueryService.GetEncounter (CON-03 evidence linked from
 * HIS). The caller's own token is forwarded: integration decides whether they may read the encounter. NOT_FOUND is
 * "no such encounter" (null); every other failure is passed on as integration's stable code.
 */
export function grpcHisEncounters(address: string, credentials: ChannelCredentials): HisEncounterPort & { close(): void } {
  const client = new IntegrationQueryServiceClient(address, credentials, inProcessClientOptions(address));
  return {
    encounter(caller: Caller, institutionId: string, encounterId: string): Promise<HisEncounter | null> {
      return new Promise((resolve, reject) => {
        client.getEncounter({ institutionId, encounterId }, outgoingMetadata({ token: caller.token }), callDeadline(CALL_MS, caller.deadline), (error, response) => {
          if (error !== null) {
            const remote = fromGrpcError(error);
            if (remote.kind === "NOT_FOUND") resolve(null);
            else reject(remote);
            return;
          }
          const found = response.encounter;
          resolve(
            found === undefined
              ? null
              : {
                  encounterId: found.encounterId,
                  institutionId: found.institutionId,
                  patientId: found.patientId,
                  hisPatientId: found.hisPatientId,
                  encounterDate: found.encounterDate,
                  recordType: found.recordType,
                  diagnoses: found.diagnoses.map((d) => ({ code: d.code, name: d.name, version: d.version })),
                },
          );
        });
      });
    },
    close: () => client.close(),
  };
}
