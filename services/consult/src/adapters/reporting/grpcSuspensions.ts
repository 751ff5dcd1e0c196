import type { ChannelCredentials } from "@grpc/grpc-js";
import { AdverseEventServiceClient } from "@ihp/contracts/reporting";
import { callDeadline, fromGrpcError, inProcessClientOptions, outgoingMetadata } from "@ihp/platform";
import type { SuspensionPort } from "../../application/suspensions.js";

const CALL_MS = 3_000;

/** SuspensionPort over reporting's AdverseEventService.CheckSuspensions, under consult's service token. */
export function grpcSuspensions(address: string, credentials: ChannelCredentials, serviceToken: () => Promise<string>): SuspensionPort & { close(): void } {
  const client = new AdverseEventServiceClient(address, credentials, inProcessClientOptions(address));
  return {
    async active(check) {
      const metadata = outgoingMetadata({ token: await serviceToken() });
      const request = { institutionId: check.institutionId, clinicianId: check.clinicianId ?? "", departmentCode: check.departmentCode ?? "", drugCodes: [] };
      return new Promise((resolve, reject) => {
        client.checkSuspensions(request, metadata, callDeadline(CALL_MS), (error, response) => {
          if (error === null) resolve(response.suspensions);
          else reject(fromGrpcError(error));
        });
      });
    },
    close: () => client.close(),
  };
}
