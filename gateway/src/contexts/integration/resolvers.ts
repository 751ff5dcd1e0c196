import { IntegrationQueryServiceClient, type ListImagingReportsResponse, type ListLabResultsResponse } from "@ihp/contracts/integration";
import { unary } from "../../grpc/unary.js";
import { callScope, type HttpContext } from "../../resolvers/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

type PatientArgs = { readonly patientId?: string | null };

function integrationResolvers(deps: ContextDeps) {
  /** The patient asked for: the argument (a guardian's child) or the caller themself. */
  async function scoped(context: HttpContext, args: PatientArgs) {
    const actor = await context.caller.actor();
    const scope = callScope(deps, context, actor);
    const patientId = args.patientId ?? actor?.principal.subject ?? "";
    return { scope, patientId, client: deps.downstream.client("integration", IntegrationQueryServiceClient) };
  }
  /** The integration service decides access (patient, verified guardian, treating physician) and records the read (REC-08). */
  async function labResults(_root: unknown, args: PatientArgs, context: HttpContext) {
    const { scope, patientId, client } = await scoped(context, args);
    const response = await unary<ListLabResultsResponse>(scope, (metadata, options, done) => client.listLabResults({ patientId }, metadata, options, done));
    return response.results;
  }
  async function imagingReports(_root: unknown, args: PatientArgs, context: HttpContext) {
    const { scope, patientId, client } = await scoped(context, args);
    const response = await unary<ListImagingReportsResponse>(scope, (metadata, options, done) =>
      client.listImagingReports({ patientId }, metadata, options, done),
    );
    return response.reports;
  }
  return {
    Query: { myLabResults: labResults, myImagingReports: imagingReports, patientLabResults: labResults, patientImagingReports: imagingReports },
  };
}

/** The integration service's results API for patients (contexts/integration/schema.graphql, REC-08). */
export const integrationModule: GatewayModule = {
  name: "integration",
  schemaFile: new URL("./schema.graphql", import.meta.url),
  resolvers: integrationResolvers,
};
