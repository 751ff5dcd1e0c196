import { type Prescription, PrescriptionServiceService } from "@ihp/contracts/prescription";
import type * as Gql from "../../gen/graphql.js";
import { connection, servicePage } from "../../paging/connection.js";
import { callScope, type HttpContext, present } from "../../http/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";
import { confirmLinesRequest, confirmLongTermPlanRequest, draftRequest, prescriptionSummaryView, prescriptionView, reviseRequest, signRequest } from "./mapping.js";

/** Every mutation answers with the prescription as it now stands. */
const answered = (response: { readonly prescription: Prescription | undefined }): Gql.Prescription =>
  prescriptionView(present(response.prescription, "prescription"));

function prescriptionResolvers(deps: ContextDeps) {
  // The client is resolved per call, not when the module is built: without a prescription address the gateway still
  // starts, and only these fields answer SERVICE_NOT_CONFIGURED.
  async function call(context: HttpContext) {
    const scope = callScope(deps, context, await context.caller.actor());
    return { scope, prescriptions: deps.downstream.service("prescription", PrescriptionServiceService) };
  }

  const Query = {
    async prescription(_root, { id }, context) {
      const { scope, prescriptions } = await call(context);
      // The API's one convention (README, "Lookups"): an unknown id is PRESCRIPTION_NOT_FOUND, someone else's
      // NOT_PRESCRIPTION_PARTICIPANT (audited by the service); both errors, never a silent null.
      return answered(await prescriptions.getPrescription({ prescriptionId: id }, scope));
    },

    async myPrescriptions(_root, args, context) {
      const { scope, prescriptions } = await call(context);
      return connection(
        args,
        deps.limits,
        async (first, after) => {
          const response = await prescriptions.listMyPrescriptions({ page: { first, after } }, scope);
          return servicePage(response.prescriptions, response.pageInfo);
        },
        prescriptionSummaryView,
      );
    },

    async prescribingStatistics(_root, { input }, context) {
      const { scope, prescriptions } = await call(context);
      return prescriptions.getPrescribingStatistics(input, scope);
    },
  } satisfies Gql.QueryResolvers<HttpContext>;

  const Mutation = {
    async draftPrescription(_root, { input }, context) {
      const { scope, prescriptions } = await call(context);
      return answered(await prescriptions.draftPrescription(draftRequest(input), scope));
    },

    async revisePrescription(_root, { input }, context) {
      const { scope, prescriptions } = await call(context);
      return answered(await prescriptions.revisePrescription(reviseRequest(input), scope));
    },

    async confirmPrescriptionLines(_root, { input }, context) {
      const { scope, prescriptions } = await call(context);
      return answered(await prescriptions.confirmLines(confirmLinesRequest(input), scope));
    },

    async confirmLongTermPlan(_root, { input }, context) {
      const { scope, prescriptions } = await call(context);
      return answered(await prescriptions.confirmLongTermPlan(confirmLongTermPlanRequest(input), scope));
    },

    async signPrescription(_root, { input }, context) {
      const { scope, prescriptions } = await call(context);
      return answered(await prescriptions.signPrescription(signRequest(input), scope));
    },
  } satisfies Gql.MutationResolvers<HttpContext>;

  return { Query, Mutation };
}

/** Prescriptions (RX-01 … RX-11): physician, patient and pharmacy governance fields on the prescription service. */
export const prescriptionModule: GatewayModule = {
  name: "prescription",
  schemaFile: new URL("./schema.graphql", import.meta.url),
  resolvers: prescriptionResolvers,
};

/** The prescription line's types (line.graphql), without fields of their own: the pharmacy's views show lines too. */
export const prescriptionLineModule: GatewayModule = {
  name: "prescription-line",
  schemaFile: new URL("./line.graphql", import.meta.url),
  resolvers: () => ({}),
};
