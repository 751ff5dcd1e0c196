import { RecordMediaServiceService } from "@ihp/contracts/records";
import type * as Gql from "../../gen/graphql.js";
import { callScope, type HttpContext, present } from "../../http/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";
import { mediaView, recordView } from "./resolvers.js";

function mediaResolvers(deps: ContextDeps) {
  /** The caller's scope and the client, looked up per call: without a records address SERVICE_NOT_CONFIGURED. The
   * records service judges and records every read (deny by default there). */
  async function call(context: HttpContext) {
    const scope = callScope(deps, context, await context.caller.actor());
    return { scope, media: deps.downstream.service("records", RecordMediaServiceService) };
  }

  const Query = {
    async medicalRecordMedia(_root, { recordId, mediaId }, context) {
      const { scope, media } = await call(context);
      const response = await media.getRecordMedia({ recordId, mediaId }, scope);
      return {
        media: mediaView(present(response.media, "media")),
        contentBase64: response.sourceUri === undefined ? Buffer.from(response.content).toString("base64") : null,
        sourceUri: response.sourceUri ?? null,
      };
    },
  } satisfies Gql.QueryResolvers<HttpContext>;

  const Mutation = {
    async destroyRecordMedia(_root, { input }, context) {
      const { requestId, recordId, mediaId, approvalRef } = input;
      const { scope, media } = await call(context);
      const response = await media.destroyRecordMedia({ requestId, recordId, mediaId, approvalRef }, scope);
      return { record: recordView(present(response.record, "record")), destroyedMediaIds: response.destroyedMediaIds };
    },
  } satisfies Gql.MutationResolvers<HttpContext>;

  return { Query, Mutation };
}

/** The records context's media API (contexts/records/media.graphql, issue 11 item 2). */
export const recordsMediaModule: GatewayModule = {
  name: "records-media",
  schemaFile: new URL("./media.graphql", import.meta.url),
  resolvers: mediaResolvers,
};
