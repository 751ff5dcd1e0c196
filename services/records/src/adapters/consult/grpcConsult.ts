import { type ChannelCredentials, credentials as grpcCredentials } from "@grpc/grpc-js";
import { enumName } from "@ihp/contracts";
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

/**
 * ConsultPort over consult's ConsultRecordSourceService (REC-01). Consult's refusals come back with their codes. The
 * source keeps consult's names for its enums (FOLLOW_UP, PATIENT, TEXT …) and "" for what is absent: the transcript is
 * sealed as those JSON lines.
 */
export function grpcConsult(options: GrpcConsultOptions): ConsultPort & { close(): void } {
  const client = serviceClient(ConsultRecordSourceServiceService, options.address, options.credentials ?? grpcCredentials.createInsecure(), { mapError: fromGrpcError });
  return {
    async recordSource(consultId) {
      const response = await client.getRecordSource({ consultId }, { token: await options.recordsToken(), timeoutMs: options.timeoutMs });
      const source: ConsultSource = {
        ...response,
        consultType: enumName("CONSULT_TYPE_", response.consultType) ?? "",
        priorRecordId: response.priorRecordId ?? "",
        transcript: response.transcript.map((message) => ({
          messageId: message.messageId,
          senderRole: enumName("SENDER_ROLE_", message.senderRole) ?? "",
          kind: enumName("MESSAGE_KIND_", message.kind) ?? "",
          text: message.text ?? "",
          mediaUri: message.mediaUri ?? "",
          mediaSha256: message.mediaSha256 ?? "",
          sentAt: message.sentAt,
        })),
      };
      return source;
    },
    close: () => client.close(),
  };
}
