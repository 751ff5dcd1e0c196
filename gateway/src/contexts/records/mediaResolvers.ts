import { type DestroyRecordMediaResponse, type GetRecordMediaResponse, RecordMediaServiceClient } from "@ihp/contracts/records";
import { unary } from "../../grpc/unary.js";
import { callScope, type HttpContext, present } from "../../resolvers/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";
import { recordView } from "./resolvers.js";

type Client = RecordMediaServiceClient;
type Metadata = Parameters<Client["getRecordMedia"]>[1];
type Options = Parameters<Client["getRecordMedia"]>[2];
type Invoke<Res> = (client: Client, metadata: Metadata, options: Options, done: (error: Error | null, response: Res) => void) => unknown;

function mediaResolvers(deps: ContextDeps) {
  // Looked up per call: without a records address these fields answer SERVICE_NOT_CONFIGURED.
  const client = (): Client => deps.downstream.client("records", RecordMediaServiceClient);

  /** One call as the caller; the records service judges and records every read (deny by default there). */
  async function call<Res>(context: HttpContext, invoke: Invoke<Res>): Promise<Res> {
    const actor = await context.caller.actor();
    const media = client();
    return unary<Res>(callScope(deps, context, actor), (metadata, options, done) => invoke(media, metadata, options, done));
  }

  const Query = {
    async medicalRecordMedia(_root: unknown, args: { recordId: string; mediaId: string }, context: HttpContext) {
      const response = await call<GetRecordMediaResponse>(context, (media, metadata, options, done) =>
        media.getRecordMedia({ recordId: args.recordId, mediaId: args.mediaId }, metadata, options, done),
      );
      const item = present(response.media, "media");
      return {
        media: { ...item, bytes: Number(item.bytes) },
        contentBase64: response.sourceUri === "" ? Buffer.from(response.content).toString("base64") : null,
        sourceUri: response.sourceUri === "" ? null : response.sourceUri,
      };
    },
  };

  const Mutation = {
    async destroyRecordMedia(_root: unknown, args: { input: { requestId: string; recordId: string; mediaId: string; approvalRef: string } }, context: HttpContext) {
      const { requestId, recordId, mediaId, approvalRef } = args.input;
      const response = await call<DestroyRecordMediaResponse>(context, (media, metadata, options, done) =>
        media.destroyRecordMedia({ requestId, recordId, mediaId, approvalRef }, metadata, options, done),
      );
      return { record: recordView(present(response.record, "record")), destroyedMediaIds: response.destroyedMediaIds };
    },
  };

  return { Query, Mutation };
}

/** The records context's media API (contexts/records/media.graphql, issue 11 item 2). */
export const recordsMediaModule: GatewayModule = {
  name: "records-media",
  schemaFile: new URL("./media.graphql", import.meta.url),
  resolvers: mediaResolvers,
};
