import { type ChannelCredentials, credentials as grpcCredentials } from "@grpc/grpc-js";
import { ConsultRecordSourceServiceService } from "@ihp/contracts/consult";
import { fromGrpcError, serviceClient } from "@ihp/platform";
import type { ConsultPort, ConsultSource } from "../../application/ports.js";

export interface GrpcConsultOptions {
  readonly address: string;
  readonly credentials?: ChannelCredentials | undefined;
  readonly timeoutMs: number;
  /** The records service's own `records` token: the only credential consult's GetRecordSource answers. */
  readonly recordsToken: () => Promise<string>;
}

/** ConsultPort over consult's ConsultRecordSourceService (REC-01). Consult's refusals come back with their codes. */
export function grpcConsult(options: GrpcConsultOptions): ConsultPort & { close(): void } {
  const client = serviceClient(ConsultRecordSourceServiceService, options.address, options.credentials ?? grpcCredentials.createInsecure(), { mapError: fromGrpcError });
  return {
    async recordSource(consultId) {
      const source: ConsultSource = await client.getRecordSource({ consultId }, { token: await options.recordsToken(), timeoutMs: options.timeoutMs });
      return source;
    },
    close: () => client.close(),
  };
}
