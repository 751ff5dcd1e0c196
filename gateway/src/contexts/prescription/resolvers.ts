import {
  type ConfirmLinesResponse,
  type ConfirmLongTermPlanResponse,
  type DraftPrescriptionResponse,
  type GetPrescribingStatisticsResponse,
  type GetPrescriptionResponse,
  type ListMyPrescriptionsResponse,
  type Prescription,
  PrescriptionServiceClient,
  type RevisePrescriptionResponse,
  type SignPrescriptionResponse,
} from "@ihp/contracts/prescription";
import { unary } from "../../grpc/unary.js";
import { type Connection, connection, type PageArgs } from "../../paging/connection.js";
import { callScope, type HttpContext, present } from "../../resolvers/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";
import {
  type ConfirmLongTermPlanInput,
  confirmLinesRequest,
  confirmLongTermPlanRequest,
  type ConfirmPrescriptionLinesInput,
  type DraftPrescriptionInput,
  draftRequest,
  type PrescribingStatisticsInput,
  type PrescribingStatisticsView,
  type PrescriptionSummaryView,
  prescriptionSummaryView,
  type PrescriptionView,
  prescriptionView,
  type RevisePrescriptionInput,
  reviseRequest,
  type SignPrescriptionInput,
  signRequest,
} from "./mapping.js";

// Resolved per call, not when the module is built: without a prescription address the gateway still starts, and
// only these fields answer SERVICE_NOT_CONFIGURED.
const service = (deps: ContextDeps) => deps.downstream.client("prescription", PrescriptionServiceClient);

/** Every mutation answers with the prescription as it now stands. */
const answered = (response: { readonly prescription: Prescription | undefined }): PrescriptionView =>
  prescriptionView(present(response.prescription, "prescription"));

function prescriptionQueries(deps: ContextDeps) {
  return {
    async prescription(_root: unknown, args: { readonly id: string }, context: HttpContext): Promise<PrescriptionView | null> {
      const actor = await context.caller.actor();
      // The API's one convention (README, "Lookups"): an unknown id is PRESCRIPTION_NOT_FOUND, someone else's
      // NOT_PRESCRIPTION_PARTICIPANT (audited by the service); both errors, never a silent null.
      const response = await unary<GetPrescriptionResponse>(callScope(deps, context, actor), (metadata, options, done) =>
        service(deps).getPrescription({ prescriptionId: args.id }, metadata, options, done),
      );
      return answered(response);
    },

    async myPrescriptions(_root: unknown, args: PageArgs, context: HttpContext): Promise<Connection<PrescriptionSummaryView>> {
      const actor = await context.caller.actor();
      const scope = callScope(deps, context, actor);
      return connection(
        args,
        deps.limits,
        async (first, after) => {
          const response = await unary<ListMyPrescriptionsResponse>(scope, (metadata, options, done) =>
            service(deps).listMyPrescriptions({ page: { first, after } }, metadata, options, done),
          );
          return {
            items: response.prescriptions,
            endCursor: response.pageInfo?.endCursor ?? "",
            hasNextPage: response.pageInfo?.hasNextPage ?? false,
          };
        },
        prescriptionSummaryView,
      );
    },

    async prescribingStatistics(
      _root: unknown,
      args: { readonly input: PrescribingStatisticsInput },
      context: HttpContext,
    ): Promise<PrescribingStatisticsView> {
      const actor = await context.caller.actor();
      const response = await unary<GetPrescribingStatisticsResponse>(callScope(deps, context, actor), (metadata, options, done) =>
        service(deps).getPrescribingStatistics({ institutionId: args.input.institutionId, purpose: args.input.purpose }, metadata, options, done),
      );
      return { queryId: response.queryId, totals: response.totals };
    },
  };
}

function prescriptionMutations(deps: ContextDeps) {
  return {
    async draftPrescription(_root: unknown, args: { readonly input: DraftPrescriptionInput }, context: HttpContext): Promise<PrescriptionView> {
      const actor = await context.caller.actor();
      const request = draftRequest(args.input);
      return answered(
        await unary<DraftPrescriptionResponse>(callScope(deps, context, actor), (metadata, options, done) =>
          service(deps).draftPrescription(request, metadata, options, done),
        ),
      );
    },

    async revisePrescription(_root: unknown, args: { readonly input: RevisePrescriptionInput }, context: HttpContext): Promise<PrescriptionView> {
      const actor = await context.caller.actor();
      const request = reviseRequest(args.input);
      return answered(
        await unary<RevisePrescriptionResponse>(callScope(deps, context, actor), (metadata, options, done) =>
          service(deps).revisePrescription(request, metadata, options, done),
        ),
      );
    },

    async confirmPrescriptionLines(
      _root: unknown,
      args: { readonly input: ConfirmPrescriptionLinesInput },
      context: HttpContext,
    ): Promise<PrescriptionView> {
      const actor = await context.caller.actor();
      const request = confirmLinesRequest(args.input);
      return answered(
        await unary<ConfirmLinesResponse>(callScope(deps, context, actor), (metadata, options, done) =>
          service(deps).confirmLines(request, metadata, options, done),
        ),
      );
    },

    async confirmLongTermPlan(_root: unknown, args: { readonly input: ConfirmLongTermPlanInput }, context: HttpContext): Promise<PrescriptionView> {
      const actor = await context.caller.actor();
      const request = confirmLongTermPlanRequest(args.input);
      return answered(
        await unary<ConfirmLongTermPlanResponse>(callScope(deps, context, actor), (metadata, options, done) =>
          service(deps).confirmLongTermPlan(request, metadata, options, done),
        ),
      );
    },

    async signPrescription(_root: unknown, args: { readonly input: SignPrescriptionInput }, context: HttpContext): Promise<PrescriptionView> {
      const actor = await context.caller.actor();
      const request = signRequest(args.input);
      return answered(
        await unary<SignPrescriptionResponse>(callScope(deps, context, actor), (metadata, options, done) =>
          service(deps).signPrescription(request, metadata, options, done),
        ),
      );
    },
  };
}

/** Prescriptions (RX-01 … RX-11): physician, patient and pharmacy governance fields on the prescription service. */
export const prescriptionModule: GatewayModule = {
  name: "prescription",
  schemaFile: new URL("./schema.graphql", import.meta.url),
  resolvers: (deps) => ({
    Query: prescriptionQueries(deps),
    Mutation: prescriptionMutations(deps),
  }),
};
