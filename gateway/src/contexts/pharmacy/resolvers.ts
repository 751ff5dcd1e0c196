import { PharmacyServiceService, type Prescription } from "@ihp/contracts/pharmacy";
import { AuthenticationError } from "@ihp/platform";
import type * as Gql from "../../gen/graphql.js";
import { publicStream } from "../../grpc/publicStream.js";
import { requestTrace } from "../../http/requestTrace.js";
import { connection, servicePage } from "../../paging/connection.js";
import { callScope, type HttpContext, present, type WsContext } from "../../http/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";
import { coverageView, dispenseRequest, orderLines, orderSerials, paymentRequest, prescriptionView, queueChangeView } from "./mapping.js";

function answered(response: { readonly prescription?: Prescription | undefined }): Gql.PharmacyPrescription {
  return prescriptionView(present(response.prescription, "prescription"));
}

function pharmacyResolvers(deps: ContextDeps) {
  // Looked up per call: without a pharmacy address the field answers SERVICE_NOT_CONFIGURED, the rest still works.
  const client = () => deps.downstream.service("pharmacy", PharmacyServiceService);

  /** The client and the signed-in caller's scope (the service decides the role and institution; the gateway only authenticates). */
  async function call(context: HttpContext) {
    const scope = callScope(deps, context, await context.caller.actor());
    return { scope, pharmacy: client() };
  }

  const Query = {
    /** Paged (issue 13): the service pages by a keyset cursor, the gateway wraps it as a Relay connection. */
    async reviewQueue(_root, args, context) {
      return connection(
        args,
        deps.limits,
        async (first, after) => {
          const { pharmacy, scope } = await call(context);
          const response = await pharmacy.listReviewQueue({ institutionId: args.institutionId, page: { first, after } }, scope);
          return servicePage(response.items, response.pageInfo);
        },
        prescriptionView,
      );
    },

    async pharmacyPrescription(_root, args, context) {
      // The API's one convention (README, "Lookups"): an unknown version is PRESCRIPTION_NOT_FOUND, someone
      // else's NOT_PRESCRIPTION_PARTICIPANT (audited by the service); both errors, never a silent null.
      const { pharmacy, scope } = await call(context);
      return answered(await pharmacy.getPrescription({ prescriptionId: args.prescriptionId, serialNumber: args.serialNumber }, scope));
    },

    async myPharmacyPrescriptions(_root, args, context) {
      return connection(
        args,
        deps.limits,
        async (first, after) => {
          const { pharmacy, scope } = await call(context);
          const response = await pharmacy.listMyPrescriptions({ page: { first, after } }, scope);
          return servicePage(response.prescriptions, response.pageInfo);
        },
        prescriptionView,
      );
    },

    async reviewCoverage(_root, args, context) {
      const { pharmacy, scope } = await call(context);
      return coverageView(await pharmacy.getReviewCoverage({ institutionId: args.institutionId }, scope));
    },

    async checkOrder(_root, args, context) {
      const { pharmacy, scope } = await call(context);
      const response = await pharmacy.checkOrder({ lines: orderLines(args.lines) }, scope);
      return { serialNumbers: orderSerials(response.serialNumbers) };
    },
  } satisfies Gql.QueryResolvers<HttpContext>;

  const Mutation = {
    async approvePrescription(_root, { input }, context) {
      const { pharmacy, scope } = await call(context);
      return answered(await pharmacy.approvePrescription(input, scope));
    },

    async returnPrescription(_root, { input }, context) {
      const { pharmacy, scope } = await call(context);
      return answered(await pharmacy.returnPrescription(input, scope));
    },

    async rejectPrescription(_root, { input }, context) {
      const { pharmacy, scope } = await call(context);
      return answered(await pharmacy.rejectPrescription(input, scope));
    },

    async recordPayment(_root, { input }, context) {
      const request = paymentRequest(input);
      const { pharmacy, scope } = await call(context);
      return answered(await pharmacy.recordPayment(request, scope));
    },

    async dispensePrescription(_root, { input }, context) {
      const { pharmacy, scope } = await call(context);
      return answered(await pharmacy.dispensePrescription(dispenseRequest(input), scope));
    },

    async dispatchDelivery(_root, { input }, context) {
      const { pharmacy, scope } = await call(context);
      return answered(await pharmacy.dispatchDelivery(input, scope));
    },

    async syncDeliveryTracking(_root, { input }, context) {
      const { pharmacy, scope } = await call(context);
      return answered(await pharmacy.syncDeliveryTracking(input, scope));
    },

    async scheduleShift(_root, { input }, context) {
      const { pharmacy, scope } = await call(context);
      return present((await pharmacy.scheduleShift(input, scope)).shift, "shift");
    },

    async cancelShift(_root, { input }, context) {
      const { pharmacy, scope } = await call(context);
      await pharmacy.cancelShift(input, scope);
      return { shiftId: input.shiftId, institutionId: input.institutionId };
    },
  } satisfies Gql.MutationResolvers<HttpContext>;

  // Typed by hand: the generated SubscriptionResolvers expect mercurius' payload wrapping, which this source does not use.
  const Subscription = {
    reviewQueueChanged: {
      /**
       * The service authorizes the stream itself and reports a refusal as the stream's error, so refusals reach the
       * subscriber as the first (error) frame, through the same public texts as every other error.
       */
      subscribe(_root: unknown, args: Gql.SubscriptionReviewQueueChangedArgs, context: WsContext): AsyncIterableIterator<Gql.ReviewQueueChange> {
        const toPublic = (error: unknown) => deps.publicError(error, context);
        try {
          const { actor } = context;
          if (actor === undefined) throw new AuthenticationError("TOKEN_MISSING");
          const pharmacy = client();
          const trace = (context.trace ?? requestTrace({})).context;
          const changes = pharmacy.streamReviewQueue({ institutionId: args.institutionId }, { token: actor.token, trace });
          return publicStream(changes, queueChangeView, toPublic);
        } catch (error) {
          throw toPublic(error);
        }
      },
      resolve: (change: Gql.ReviewQueueChange): Gql.ReviewQueueChange => change,
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
