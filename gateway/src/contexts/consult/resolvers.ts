import {
  type Consult,
  ConsultServiceService,
  type ConsultSummary,
  type ListInstitutionBoardResponse,
  type ListMyConsultsResponse,
  type ListWaitingConsultsResponse,
} from "@ihp/contracts/consult";
import { AuthenticationError, type CallScope, type ServiceClient } from "@ihp/platform";
import { publicStream } from "../../grpc/publicStream.js";
import { requestTrace } from "../../http/requestTrace.js";
import type * as Gql from "../../gen/graphql.js";
import { connection, type PageArgs, type ServicePage, servicePage } from "../../paging/connection.js";
import { callScope, type HttpContext, present, type WsContext } from "../../http/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";
import {
  completeConsultRequest,
  consultSummaryView,
  consultView,
  decideEligibilityRequest,
  familyContractView,
  messageView,
  proposeFamilyContractRequest,
  requestConsultRequest,
  sendMessageRequest,
  signatureView,
  statusValues,
} from "./mapping.js";

type Client = ServiceClient<typeof ConsultServiceService>;
type ListResponse = ListWaitingConsultsResponse | ListMyConsultsResponse | ListInstitutionBoardResponse;

const answered = (response: { readonly consult?: Consult | undefined }): Gql.Consult => consultView(present(response.consult, "consult"));

const listed = (response: ListResponse): ServicePage<ConsultSummary> => servicePage(response.consults, response.pageInfo);

function consultResolvers(deps: ContextDeps) {
  // Looked up per call: without a consult address only these fields answer SERVICE_NOT_CONFIGURED.
  const client = (): Client => deps.downstream.service("consult", ConsultServiceService);

  /** The client and the scope of one call as the signed-in caller; roles and relationships are the service's to judge. */
  async function call(context: HttpContext): Promise<{ consult: Client; scope: CallScope }> {
    const scope = callScope(deps, context, await context.caller.actor());
    return { consult: client(), scope };
  }

  /** One of the three queues as a Relay connection; the service pages, the gateway wraps its cursors. */
  type List = (consult: Client, scope: CallScope, page: { first: number; after: string }) => Promise<ListResponse>;
  async function page(args: PageArgs, context: HttpContext, list: List) {
    const scope = callScope(deps, context, await context.caller.actor());
    return connection(args, deps.limits, async (first, after) => listed(await list(client(), scope, { first, after })), consultSummaryView);
  }

  const Query = {
    async consult(_root, { id }, context) {
      // The API's one convention for lookups (README, "Lookups"): an unknown id is CONSULT_NOT_FOUND, someone
      // else's NOT_CONSULT_PARTICIPANT, both audited by the service; never a silent null.
      const { consult, scope } = await call(context);
      return answered(await consult.getConsult({ consultId: id }, scope));
    },
    waitingConsults: (_root, args, context) => page(args, context, (consult, scope, request) => consult.listWaitingConsults({ page: request }, scope)),
    myConsults(_root, args, context) {
      const statuses = statusValues(args.status);
      return page(args, context, (consult, scope, request) => consult.listMyConsults({ page: request, statuses }, scope));
    },
    institutionBoard(_root, args, context) {
      const { institutionId } = args;
      return page(args, context, (consult, scope, request) => consult.listInstitutionBoard({ institutionId, page: request }, scope));
    },
    async consentText(_root, _args, context) {
      // Public: patients read it before signing in is required; a token that is sent must still be valid.
      const scope = callScope(deps, context, await context.caller.optionalActor());
      return client().getConsentText({}, scope);
    },
    async familyContract(_root, { id }, context) {
      const { consult, scope } = await call(context);
      return familyContractView(present((await consult.getFamilyContract({ contractId: id }, scope)).contract, "contract"));
    },
  } satisfies Gql.QueryResolvers<HttpContext>;

  const Mutation = {
    async requestConsult(_root, { input }, context) {
      const actor = await context.caller.actor();
      const request = requestConsultRequest(input, actor.principal.subject);
      return answered(await client().requestConsult(request, callScope(deps, context, actor)));
    },
    async cancelConsult(_root, { input }, context) {
      const { consult, scope } = await call(context);
      return answered(await consult.cancelConsult(input, scope));
    },
    async giveConsent(_root, { input }, context) {
      const { consult, scope } = await call(context);
      return answered(await consult.giveConsent(input, scope));
    },
    async acceptConsult(_root, { input }, context) {
      const { consult, scope } = await call(context);
      return answered(await consult.acceptConsult(input, scope));
    },
    async decideEligibility(_root, { input }, context) {
      const { consult, scope } = await call(context);
      const response = await consult.decideEligibility(decideEligibilityRequest(input), scope);
      return { consult: answered(response), signature: signatureView(response.signature) };
    },
    async startConsult(_root, { input }, context) {
      const { consult, scope } = await call(context);
      return answered(await consult.startConsult(input, scope));
    },
    async sendMessage(_root, { input }, context) {
      const { consult, scope } = await call(context);
      return messageView(present((await consult.sendMessage(sendMessageRequest(input), scope)).message, "message"));
    },
    async joinVideo(_root, { input }, context) {
      const { consult, scope } = await call(context);
      return consult.joinVideo(input, scope);
    },
    async completeConsult(_root, { input }, context) {
      const { consult, scope } = await call(context);
      const response = await consult.completeConsult(completeConsultRequest(input), scope);
      return { consult: answered(response), signature: signatureView(response.signature) };
    },
    async terminateConsult(_root, { input }, context) {
      const { consult, scope } = await call(context);
      return answered(await consult.terminateConsult(input, scope));
    },
    async proposeFamilyContract(_root, { input }, context) {
      const { consult, scope } = await call(context);
      return familyContractView(present((await consult.proposeFamilyContract(proposeFamilyContractRequest(input), scope)).contract, "contract"));
    },
    async signFamilyContract(_root, { input }, context) {
      const { consult, scope } = await call(context);
      return familyContractView(present((await consult.signFamilyContract(input, scope)).contract, "contract"));
    },
  } satisfies Gql.MutationResolvers<HttpContext>;

  const Subscription = {
    consultMessages: {
      subscribe(_root, { consultId }, context) {
        const toPublic = (error: unknown) => deps.publicError(error, context);
        try {
          const { actor } = context;
          if (actor === undefined) throw new AuthenticationError("TOKEN_MISSING");
          const trace = (context.trace ?? requestTrace({})).context;
          const messages = client().watchMessages({ consultId }, { token: actor.token, trace });
          // A response without its message carries nothing to deliver.
          return publicStream(messages, (response) => (response.message === undefined ? null : messageView(response.message)), toPublic);
        } catch (error) {
          throw toPublic(error);
        }
      },
      resolve: (message: Gql.ConsultMessage) => message,
    },
  } satisfies Gql.SubscriptionResolvers<WsContext>;

  return { Query, Mutation, Subscription };
}

/**
 * The consult context's API (contexts/consult/schema.graphql): requesting, accepting, conducting and closing online
 * consults, consent, messages in real time, video tokens, family-doctor contracts. StoreRecording and
 * ExpireOverdueConsults are system calls and are not exposed.
 */
export const consultModule: GatewayModule = {
  name: "consult",
  schemaFile: new URL("./schema.graphql", import.meta.url),
  resolvers: consultResolvers,
};
