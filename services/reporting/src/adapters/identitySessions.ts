import { ClinicalAccessServiceService } from "@ihp/contracts/identity";
import { channelCredentials, fromGrpcError, serviceClient } from "@ihp/platform";
import type { SessionCheck } from "../application/sessionCheck.js";

const CALL_MS = 5_000;
/** Where identity expects the clinician's token on CheckSession (access.proto). */
const SIGNER_AUTHORIZATION = "x-ihp-signer-authorization";

export interface IdentitySessionsOptions {
  /** host:port of identity (IDENTITY_GRPC_ADDRESS). */
  readonly address: string;
  /** CA of identity's TLS certificate (GRPC_TLS_CA_FILE); unset: plaintext, as in the embedded mode. */
  readonly caFile?: string | undefined;
  /** Reporting's own `system` token: identity answers CheckSession to a service only. */
  readonly serviceToken: () => Promise<string>;
}

/** SessionCheck over identity's gRPC ClinicalAccessService; refusals come back as RemoteErrors with identity's codes. */
export function identitySessions(options: IdentitySessionsOptions): SessionCheck & { close(): void } {
  const credentials = channelCredentials(options.caFile === undefined ? undefined : { caFile: options.caFile });
  const access = serviceClient(ClinicalAccessServiceService, options.address, credentials, { mapError: fromGrpcError });
  return {
    async checkSession(caller) {
      const headers = { [SIGNER_AUTHORIZATION]: `Bearer ${caller.token}` };
      await access.checkSession({}, { token: await options.serviceToken(), timeoutMs: CALL_MS, parentDeadline: caller.deadline, headers });
    },
    close: () => access.close(),
  };
}
