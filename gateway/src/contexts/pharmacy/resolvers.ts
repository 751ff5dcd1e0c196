import {
  type ApprovePrescriptionResponse,
  type CancelShiftResponse,
  type CheckOrderResponse,
  type DispatchDeliveryResponse,
  type DispensePrescriptionResponse,
  type GetPrescriptionResponse,
  type GetReviewCoverageResponse,
  type ListMyPrescriptionsResponse,
  type ListReviewQueueResponse,
  PharmacyServiceClient,
  type Prescription,
  type RecordPaymentResponse,
  type RejectPrescriptionResponse,
  type ReturnPrescriptionResponse,
  type ScheduleShiftResponse,
  type StreamReviewQueueResponse,
  type SyncDeliveryTrackingResponse,
} from "@ihp/contracts/pharmacy";
import { AuthenticationError } from "@ihp/platform";
import { serverStream } from "../../grpc/serverStream.js";
import { type Connection, connection, type PageArgs } from "../../paging/connection.js";
import { unary } from "../../grpc/unary.js";
import { requestTrace } from "../../http/requestTrace.js";
import { callScope, type HttpContext, present, type WsContext } from "../../resolvers/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";
import {
  type CancelShiftInput,
  cancelShiftRequest,
  coverageView,
  type DispatchInput,
  dispatchRequest,
  type DispenseInput,
  dispenseRequest,
  type OrderLineInput,
  orderLines,
  orderSerials,
  type PaymentInput,
  paymentRequest,
  type PharmacyPrescriptionView,
  prescriptionView,
  type QueueChangeView,
  queueChangeView,
  type ReasonInput,
  reasonRequest,
  type ReviewCoverageView,
  type ScheduleShiftInput,
  scheduleShiftRequest,
  type ShiftView,
  shiftView,
  type VersionInput,
  versionRequest,
} from "./mapping.js";
import { publicStream } from "../../grpc/publicStream.js";

type Client = PharmacyServiceClient;
type Metadata = Parameters<Client["getPrescription"]>[1];
type Options = Parameters<Client["getPrescription"]>[2];
type Invoke<Res> = (client: Client, metadata: Metadata, options: Options, done: (error: Error | null, response: Res) => void) => unknown;

interface Input<T> {
  readonly input: T;
}

function answered(response: { readonly prescription?: Prescription | undefined }): PharmacyPrescriptionView {
  return prescriptionView(present(response.prescription, "prescription"));
}

function pharmacyResolvers(deps: ContextDeps) {
  // Looked up per call: without a pharmacy address the field answers SERVICE_NOT_CONFIGURED, the rest still works.
  const client = (): Client => deps.downstream.client("pharmacy", PharmacyServiceClient);

  /** One call as the signed-in caller (the service decides the role and institution; the gateway only authenticates). */
  async function call<Res>(context: HttpContext, invoke: Invoke<Res>): Promise<Res> {
    const actor = await context.caller.actor();
    const pharmacy = client();
    return unary<Res>(callScope(deps, context, actor), (metadata, options, done) => invoke(pharmacy, metadata, options, done));
  }

  const Query = {
    /** Paged (issue 13): the service pages by a keyset cursor, the gateway wraps it as a Relay connection. */
    async reviewQueue(_root: unknown, args: PageArgs & { readonly institutionId: string }, context: HttpContext): Promise<Connection<PharmacyPrescriptionView>> {
      return connection(
        args,
        deps.limits,
        async (first, after) => {
          const response = await call<ListReviewQueueResponse>(context, (pharmacy, metadata, options, done) =>
            pharmacy.listReviewQueue({ institutionId: args.institutionId, page: { first, after } }, metadata, options, done),
          );
          return { items: response.items, endCursor: response.pageInfo?.endCursor ?? "", hasNextPage: response.pageInfo?.hasNextPage ?? false };
        },
        prescriptionView,
      );
    },

    async pharmacyPrescription(
      _root: unknown,
      args: { readonly prescriptionId: string; readonly serialNumber: string },
      context: HttpContext,
    ): Promise<PharmacyPrescriptionView | null> {
      // The API's one convention (README, "Lookups"): an unknown version is PRESCRIPTION_NOT_FOUND, someone
      // else's NOT_PRESCRIPTION_PARTICIPANT (audited by the service); both errors, never a silent null.
      const response = await call<GetPrescriptionResponse>(context, (pharmacy, metadata, options, done) =>
        pharmacy.getPrescription({ prescriptionId: args.prescriptionId, serialNumber: args.serialNumber }, metadata, options, done),
      );
      return answered(response);
    },

    async myPharmacyPrescriptions(_root: unknown, args: PageArgs, context: HttpContext): Promise<Connection<PharmacyPrescriptionView>> {
      return connection(
        args,
        deps.limits,
        async (first, after) => {
          const response = await call<ListMyPrescriptionsResponse>(context, (pharmacy, metadata, options, done) =>
            pharmacy.listMyPrescriptions({ page: { first, after } }, metadata, options, done),
          );
          return { items: response.prescriptions, endCursor: response.pageInfo?.endCursor ?? "", hasNextPage: response.pageInfo?.hasNextPage ?? false };
        },
        prescriptionView,
      );
    },

    async reviewCoverage(_root: unknown, args: { readonly institutionId: string }, context: HttpContext): Promise<ReviewCoverageView> {
      const response = await call<GetReviewCoverageResponse>(context, (pharmacy, metadata, options, done) =>
        pharmacy.getReviewCoverage({ institutionId: args.institutionId }, metadata, options, done),
      );
      return coverageView(response);
    },

    async checkOrder(
      _root: unknown,
      args: { readonly lines: readonly OrderLineInput[] },
      context: HttpContext,
    ): Promise<{ serialNumbers: (string | null)[] }> {
      const response = await call<CheckOrderResponse>(context, (pharmacy, metadata, options, done) =>
        pharmacy.checkOrder({ lines: orderLines(args.lines) }, metadata, options, done),
      );
      return { serialNumbers: orderSerials(response.serialNumbers) };
    },
  };

  const Mutation = {
    async approvePrescription(_root: unknown, args: Input<VersionInput>, context: HttpContext): Promise<PharmacyPrescriptionView> {
      return answered(
        await call<ApprovePrescriptionResponse>(context, (pharmacy, metadata, options, done) =>
          pharmacy.approvePrescription(versionRequest(args.input), metadata, options, done),
        ),
      );
    },

    async returnPrescription(_root: unknown, args: Input<ReasonInput>, context: HttpContext): Promise<PharmacyPrescriptionView> {
      return answered(
        await call<ReturnPrescriptionResponse>(context, (pharmacy, metadata, options, done) =>
          pharmacy.returnPrescription(reasonRequest(args.input), metadata, options, done),
        ),
      );
    },

    async rejectPrescription(_root: unknown, args: Input<ReasonInput>, context: HttpContext): Promise<PharmacyPrescriptionView> {
      return answered(
        await call<RejectPrescriptionResponse>(context, (pharmacy, metadata, options, done) =>
          pharmacy.rejectPrescription(reasonRequest(args.input), metadata, options, done),
        ),
      );
    },

    async recordPayment(_root: unknown, args: Input<PaymentInput>, context: HttpContext): Promise<PharmacyPrescriptionView> {
      const request = paymentRequest(args.input);
      return answered(
        await call<RecordPaymentResponse>(context, (pharmacy, metadata, options, done) => pharmacy.recordPayment(request, metadata, options, done)),
      );
    },

    async dispensePrescription(_root: unknown, args: Input<DispenseInput>, context: HttpContext): Promise<PharmacyPrescriptionView> {
      return answered(
        await call<DispensePrescriptionResponse>(context, (pharmacy, metadata, options, done) =>
          pharmacy.dispensePrescription(dispenseRequest(args.input), metadata, options, done),
        ),
      );
    },

    async dispatchDelivery(_root: unknown, args: Input<DispatchInput>, context: HttpContext): Promise<PharmacyPrescriptionView> {
      return answered(
        await call<DispatchDeliveryResponse>(context, (pharmacy, metadata, options, done) =>
          pharmacy.dispatchDelivery(dispatchRequest(args.input), metadata, options, done),
        ),
      );
    },

    async syncDeliveryTracking(_root: unknown, args: Input<VersionInput>, context: HttpContext): Promise<PharmacyPrescriptionView> {
      return answered(
        await call<SyncDeliveryTrackingResponse>(context, (pharmacy, metadata, options, done) =>
          pharmacy.syncDeliveryTracking(versionRequest(args.input), metadata, options, done),
        ),
      );
    },

    async scheduleShift(_root: unknown, args: Input<ScheduleShiftInput>, context: HttpContext): Promise<ShiftView> {
      const response = await call<ScheduleShiftResponse>(context, (pharmacy, metadata, options, done) =>
        pharmacy.scheduleShift(scheduleShiftRequest(args.input), metadata, options, done),
      );
      return shiftView(present(response.shift, "shift"));
    },

    async cancelShift(
      _root: unknown,
      args: Input<CancelShiftInput>,
      context: HttpContext,
    ): Promise<{ shiftId: string; institutionId: string }> {
      await call<CancelShiftResponse>(context, (pharmacy, metadata, options, done) =>
        pharmacy.cancelShift(cancelShiftRequest(args.input), metadata, options, done),
      );
      return { shiftId: args.input.shiftId, institutionId: args.input.institutionId };
    },
  };

  const Subscription = {
    reviewQueueChanged: {
      /**
       * The service authorizes the stream itself and reports a refusal as the stream's error, so refusals reach the
       * subscriber as the first (error) frame, through the same public texts as every other error.
       */
      subscribe(_root: unknown, args: { readonly institutionId: string }, context: WsContext): AsyncIterableIterator<QueueChangeView> {
        const toPublic = (error: unknown) => deps.publicError(error, context);
        try {
          const { actor } = context;
          if (actor === undefined) throw new AuthenticationError("TOKEN_MISSING");
          const pharmacy = client();
          const trace = (context.trace ?? requestTrace({})).context;
          const changes = serverStream<StreamReviewQueueResponse>({ token: actor.token, trace }, (metadata, options) =>
            pharmacy.streamReviewQueue({ institutionId: args.institutionId }, metadata, options),
          );
          return publicStream(changes, queueChangeView, toPublic);
        } catch (error) {
          throw toPublic(error);
        }
      },
      resolve: (change: QueueChangeView): QueueChangeView => change,
    },
  };

  return { Query, Mutation, Subscription };
}

/** The pharmacy context's API (contexts/pharmacy/schema.graphql): pharmacist review, roster, dispensing, delivery. */
export const pharmacyModule: GatewayModule = {
  name: "pharmacy",
  schemaFile: new URL("./schema.graphql", import.meta.url),
  resolvers: pharmacyResolvers,
};
