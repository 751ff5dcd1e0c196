import { type ChannelCredentials, credentials as grpcCredentials } from "@grpc/grpc-js";
import { ConsultRecordSourceServiceClient, type GetRecordSourceResponse } from "@ihp/contracts/consult";
import { callDeadline, fromGrpcError, inProcessClientOptions, outgoingMetadata } from "@ihp/platform";
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
  const client = new ConsultRecordSourceServiceClient(options.address, options.credentials ?? grpcCredentials.createInsecure(), inProcessClientOptions(options.address));
  return {
    async recordSource(consultId) {
      const metadata = outgoingMetadata({ token: await options.recordsToken() });
      const response = await new Promise<GetRecordSourceResponse>((resolve, reject) => {
        client.getRecordSource({ consultId }, metadata, callDeadline(options.timeoutMs, undefined), (error, value) => (error === null ? resolve(value) : reject(fromGrpcError(error))));
      });
      const source: ConsultSource = response;
      return source;
    },
    close: () => client.close(),
  };
}
