import { ErasureStatus, type SubjectErasure, SubjectErasureServiceService } from "@ihp/contracts/identity";
import type * as Gql from "../../gen/graphql.js";
import { callScope, type HttpContext } from "../../http/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

function erasureResolvers(deps: ContextDeps) {
  async function call(context: HttpContext) {
    const scope = callScope(deps, context, await context.caller.actor());
    return { scope, erasures: deps.downstream.service("identity", SubjectErasureServiceService) };
  }
  const Mutation = {
    async requestSubjectErasure(_root, { input }, context) {
      const { scope, erasures } = await call(context);
      return view((await erasures.requestSubjectErasure(input, scope)).erasure);
    },
  } satisfies Gql.MutationResolvers<HttpContext>;
  const Query = {
    async subjectErasure(_root, { erasureId }, context) {
      const { scope, erasures } = await call(context);
      return view((await erasures.getSubjectErasure({ erasureId }, scope)).erasure);
    },
  } satisfies Gql.QueryResolvers<HttpContext>;
  return { Mutation, Query };
}

function view(erasure: SubjectErasure | undefined): Gql.SubjectErasure {
  if (erasure === undefined) throw new Error("identity answered without the erasure");
  const { status, ...fields } = erasure;
  return { ...fields, status: status === ErasureStatus.ERASURE_STATUS_COMPLETE ? "COMPLETE" : "INCOMPLETE" };
}

/** Erasure orders and their confirmations (contexts/erasure/schema.graphql, issue 10 item 3). */
export const erasureModule: GatewayModule = {
  name: "erasure",
  schemaFile: new URL("./schema.graphql", import.meta.url),
  resolvers: erasureResolvers,
};
