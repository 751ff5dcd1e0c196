import type { RecordMediaServiceServer } from "@ihp/contracts/records";
import type { GrpcHandlers } from "@ihp/platform";
import type { MediaAccess } from "../../application/mediaAccess.js";
import { mediaToProto, recordToProto } from "./convert.js";
import { callerOf } from "./recordsServer.js";

/** ihp.records.v1.RecordMediaService: converts messages; the application decides and records every read. */
export function mediaServer(options: { readonly handlers: GrpcHandlers; readonly media: MediaAccess; readonly newId: () => string }): RecordMediaServiceServer {
  const { handlers, media, newId } = options;
  return {
    getRecordMedia: handlers.unary(async (request, call) => {
      const found = await media.get(callerOf(call, newId), request.recordId, request.mediaId);
      return { media: mediaToProto(found.media), content: found.content ?? Buffer.alloc(0), sourceUri: found.sourceUri };
    }),
    destroyRecordMedia: handlers.unary(async (request, call) => {
      const record = await media.destroy(callerOf(call, newId), {
        requestId: request.requestId,
        documentId: request.recordId,
        mediaId: request.mediaId,
        approvalRef: request.approvalRef,
      });
      return { record: recordToProto(record), destroyedMediaIds: [...record.destroyedMedia] };
    }),
  };
}
