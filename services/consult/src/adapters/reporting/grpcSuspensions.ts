import type { ChannelCredentials } from "@grpc/grpc-js";
import { enumName } from "@ihp/contracts";
import { AdverseEventServiceService } from "@ihp/contracts/reporting";
import { fromGrpcError, serviceClient } from "@ihp/platform";
import type { SuspensionPort } from "../../application/suspensions.js";

const CALL_MS = 3_000;

/** SuspensionPort over reporting's AdverseEventService.CheckSuspensions, under consult's service token. */
export function grpcSuspensions(address: string, credentials: ChannelCredentials, serviceToken: () => Promise<string>): SuspensionPort & { close(): void } {
  const client = serviceClient(AdverseEventServiceService, address, credentials, { mapError: fromGrpcError });
  return {
    async active(check) {
      const request = { institutionId: check.institutionId, clinicianId: check.clinicianId, departmentCode: check.departmentCode, drugCodes: [] };
      const { suspensions } = await client.checkSuspensions(request, { token: await serviceToken(), timeoutMs: CALL_MS });
      // The domain's names (CLINICIAN, DEPARTMENT); a kind this build does not know is "" and matches none.
      return suspensions.map((s) => ({ scopeKind: enumName("SUSPENSION_SCOPE_KIND_", s.scopeKind) ?? "" }));
    },
    close: () => client.close(),
  };
}
