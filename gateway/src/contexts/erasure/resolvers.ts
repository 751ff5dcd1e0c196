import {
  ErasureStatus,
  type GetSubjectErasureResponse,
  type RequestSubjectErasureResponse,
  type SubjectErasure,
  SubjectErasureServiceClient,
} from "@ihp/contracts/identity";
import { unary } from "../../grpc/unary.js";
import { callScope, type HttpContext } from "../../resolvers/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

interface RequestInput {
  readonly requestId: string;
  readonly patientId: string;
  readonly retentionClass: string;
  readonly approvalRef: string;
}

function erasureResolvers(deps: ContextDeps) {
  async function scoped(context: HttpContext) {
    const scope = callScope(deps, context, await context.caller.actor());
    return { scope, client: deps.downstream.client("identity", SubjectErasureServiceClient) };
  }
  return {
    Mutation: {
      async requestSubjectErasure(_root: unknown, args: { input: RequestInput }, context: HttpContext) {
        const { scope, client } = await scoped(context);
        const response = await unary<RequestSubjectErasureResponse>(scope, (metadata, options, done) =>
          client.requestSubjectErasure(args.input, metadata, options, done),
        );
        return view(response.erasure);
      },
    },
    Query: {
      async subjectErasure(_root: unknown, args: { erasureId: string }, context: HttpContext) {
        const { scope, client } = await scoped(context);
        const response = await unary<GetSubjectErasureResponse>(scope, (metadata, options, done) =>
          client.getSubjectErasure({ erasureId: args.erasureId }, metadata, options, done),
        );
        return view(response.erasure);
      },
    },
  };
}

function view(erasure: SubjectErasure | undefined) {
  if (erasure === undefined) throw new Error("identity answered without the erasure");
  return { ...erasure, status: erasure.status === ErasureStatus.ERASURE_STATUS_COMPLETE ? "COMPLETE" : "INCOMPLETE" };
}

/** Erasure orders and their confirmations (contexts/erasure/schema.graphql, issue 10 item 3). */
export const erasureModule: GatewayModule = {
  name: "erasure",
  schemaFile: new URL("./schema.graphql", import.meta.url),
  resolvers: erasureResolvers,
};
