import { IntegrationQueryServiceService } from "@ihp/contracts/integration";
import type * as Gql from "../../gen/graphql.js";
import { callScope, type HttpContext } from "../../http/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

type PatientArgs = Partial<Gql.QueryMyLabResultsArgs>;

function integrationResolvers(deps: ContextDeps) {
  /** The patient asked for: the argument (a guardian's child) or the caller themself. */
  async function scoped(context: HttpContext, args: PatientArgs) {
    const actor = await context.caller.actor();
    const request = { patientId: args.patientId ?? actor?.principal.subject ?? "" };
    return { scope: callScope(deps, context, actor), request, results: deps.downstream.service("integration", IntegrationQueryServiceService) };
  }
  /** The integration service decides access (patient, verified guardian, treating physician) and records the read (REC-08). */
  async function labResults(_root: unknown, args: PatientArgs, context: HttpContext) {
    const { scope, request, results } = await scoped(context, args);
    return (await results.listLabResults(request, scope)).results;
  }
  async function imagingReports(_root: unknown, args: PatientArgs, context: HttpContext) {
    const { scope, request, results } = await scoped(context, args);
    return (await results.listImagingReports(request, scope)).reports;
  }
  const Query = {
    myLabResults: labResults,
    myImagingReports: imagingReports,
    patientLabResults: labResults,
    patientImagingReports: imagingReports,
  } satisfies Gql.QueryResolvers<HttpContext>;
  return { Query };
}

/** The integration service's results API for patients (contexts/integration/schema.graphql, REC-08). */
export const integrationModule: GatewayModule = {
  name: "integration",
  schemaFile: new URL("./schema.graphql", import.meta.url),
  resolvers: integrationResolvers,
};
