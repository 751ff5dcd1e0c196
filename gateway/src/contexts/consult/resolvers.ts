import {
  type AcceptConsultResponse,
  type CancelConsultResponse,
  type CompleteConsultResponse,
  type Consult,
  ConsultServiceClient,
  type ConsultSummary,
  type DecideEligibilityResponse,
  type GetConsentTextResponse,
  type GetConsultResponse,
  type GetFamilyContractResponse,
  type GiveConsentResponse,
  type JoinVideoResponse,
  type ListInstitutionBoardResponse,
  type ListMyConsultsResponse,
  type ListWaitingConsultsResponse,
  type ProposeFamilyContractResponse,
  type SendMessageResponse,
  type SignFamilyContractResponse,
  type StartConsultResponse,
  type TerminateConsultResponse,
  type WatchMessagesResponse,
} from "@ihp/contracts/consult";
import { AuthenticationError } from "@ihp/platform";
import type { Actor } from "../../auth/caller.js";
import { serverStream } from "../../grpc/serverStream.js";
import { unary } from "../../grpc/unary.js";
import { requestTrace } from "../../http/requestTrace.js";
import { type Connection, connection, type PageArgs, type ServicePage } from "../../paging/connection.js";
import { callScope, type HttpContext, present, type WsContext } from "../../resolvers/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";
import {
  type CompleteConsultInput,
  completeConsultRequest,
  consentTextView,
  type ConsultActionInput,
  type ConsultSummaryView,
  consultSummaryView,
  type ConsultView,
  consultView,
  type DecideEligibilityInput,
  decideEligibilityRequest,
  type FamilyContractView,
  familyContractView,
  type GiveConsentInput,
  type MessageView,
  messageView,
  type ProposeFamilyContractInput,
  proposeFamilyContractRequest,
  type RequestConsultInput,
  requestConsultRequest,
  type SendMessageInput,
  sendMessageRequest,
  type SignatureView,
  signatureView,
  type SignFamilyContractInput,
  type TerminateConsultInput,
  videoSessionView,
} from "./mapping.js";
import { publicStream } from "../../grpc/publicStream.js";

type Client = ConsultServiceClient;
type Metadata = Parameters<Client["getConsult"]>[1];
type Options = Parameters<Client["getConsult"]>[2];
type Invoke<Res> = (client: Client, metadata: Metadata, options: Options, done: (error: Error | null, response: Res) => void) => unknown;

interface Input<T> {
  readonly input: T;
}

interface Signed {
  readonly consult: ConsultView;
  readonly signature: SignatureView | null;
}

const answered = (response: { readonly consult: Consult | undefined }): ConsultView => consultView(present(response.consult, "consult"));

type ListResponse = ListWaitingConsultsResponse | ListMyConsultsResponse | ListInstitutionBoardResponse;

const listed = (response: ListResponse): ServicePage<ConsultSummary> => ({
  items: response.consults,
  endCursor: response.pageInfo?.endCursor ?? "",
  hasNextPage: response.pageInfo?.hasNextPage ?? false,
});

function consultResolvers(deps: ContextDeps) {
  // Looked up per call: without a consult address only these fields answer SERVICE_NOT_CONFIGURED.
  const client = (): Client => deps.downstream.client("consult", ConsultServiceClient);

  /** One call as the given caller; roles and relationships are the service's to judge (deny by default there). */
  function as<Res>(context: HttpContext, actor: Actor | undefined, invoke: Invoke<Res>): Promise<Res> {
    const consult = client();
    return unary<Res>(callScope(deps, context, actor), (metadata, options, done) => invoke(consult, metadata, options, done));
  }

  async function call<Res>(context: HttpContext, invoke: Invoke<Res>): Promise<Res> {
    return as(context, await context.caller.actor(), invoke);
  }

  /** One of the three queues as a Relay connection; the service pages, the gateway wraps its cursors. */
  async function page<Res extends ListResponse>(
    args: PageArgs,
    context: HttpContext,
    list: (page: { first: number; after: string }) => Invoke<Res>,
  ): Promise<Connection<ConsultSummaryView>> {
    const actor = await context.caller.actor();
    return connection(args, deps.limits, async (first, after) => listed(await as(context, actor, list({ first, after }))), consultSummaryView);
  }

  const Query = {
    consult(_root: unknown, args: { readonly id: string }, context: HttpContext): Promise<ConsultView | null> {
      // The API's one convention for lookups (README, "Lookups"): an unknown id is CONSULT_NOT_FOUND, someone
      // else's NOT_CONSULT_PARTICIPANT, both audited by the service; never a silent null.
      return call<GetConsultResponse>(context, (consult, metadata, options, done) => consult.getConsult({ consultId: args.id }, metadata, options, done)).then(answered);
    },

    waitingConsults(_root: unknown, args: PageArgs, context: HttpContext): Promise<Connection<ConsultSummaryView>> {
      return page<ListWaitingConsultsResponse>(args, context, (request) => (consult, metadata, options, done) =>
        consult.listWaitingConsults({ page: request }, metadata, options, done),
      );
    },

    myConsults(_root: unknown, args: PageArgs & { readonly status?: readonly string[] | null }, context: HttpContext): Promise<Connection<ConsultSummaryView>> {
      // GraphQL's ConsultStatus names are the service's status names.
      const statuses = [...(args.status ?? [])];
      return page<ListMyConsultsResponse>(args, context, (request) => (consult, metadata, options, done) =>
        consult.listMyConsults({ page: request, statuses }, metadata, options, done),
      );
    },

    institutionBoard(
      _root: unknown,
      args: PageArgs & { readonly institutionId: string },
      context: HttpContext,
    ): Promise<Connection<ConsultSummaryView>> {
      return page<ListInstitutionBoardResponse>(args, context, (request) => (consult, metadata, options, done) =>
        consult.listInstitutionBoard({ institutionId: args.institutionId, page: request }, metadata, options, done),
      );
    },

    async consentText(_root: unknown, _args: unknown, context: HttpContext) {
      // Public: patients read it before signing in is required; a token that is sent must still be valid.
      const actor = await context.caller.optionalActor();
      const response = await as<GetConsentTextResponse>(context, actor, (consult, metadata, options, done) => consult.getConsentText({}, metadata, options, done));
      return consentTextView(response);
    },

    familyContract(_root: unknown, args: { readonly id: string }, context: HttpContext): Promise<FamilyContractView | null> {
      return call<GetFamilyContractResponse>(context, (consult, metadata, options, done) =>
        consult.getFamilyContract({ contractId: args.id }, metadata, options, done),
      ).then((response) => familyContractView(present(response.contract, "contract")));
    },
  };

  const Mutation = {
    async requestConsult(_root: unknown, args: Input<RequestConsultInput>, context: HttpContext): Promise<ConsultView> {
      const actor = await context.caller.actor();
      const request = requestConsultRequest(args.input, actor.principal.subject);
      return answered(await as(context, actor, (consult, metadata, options, done) => consult.requestConsult(request, metadata, options, done)));
    },

    async cancelConsult(_root: unknown, args: Input<ConsultActionInput>, context: HttpContext): Promise<ConsultView> {
      const { requestId, consultId } = args.input;
      return answered(
        await call<CancelConsultResponse>(context, (consult, metadata, options, done) => consult.cancelConsult({ requestId, consultId }, metadata, options, done)),
      );
    },

    async giveConsent(_root: unknown, args: Input<GiveConsentInput>, context: HttpContext): Promise<ConsultView> {
      const { requestId, consultId, consentVersion, consentSha256 } = args.input;
      return answered(
        await call<GiveConsentResponse>(context, (consult, metadata, options, done) =>
          consult.giveConsent({ requestId, consultId, consentVersion, consentSha256 }, metadata, options, done),
        ),
      );
    },

    async acceptConsult(_root: unknown, args: Input<ConsultActionInput>, context: HttpContext): Promise<ConsultView> {
      const { requestId, consultId } = args.input;
      return answered(
        await call<AcceptConsultResponse>(context, (consult, metadata, options, done) => consult.acceptConsult({ requestId, consultId }, metadata, options, done)),
      );
    },

    async decideEligibility(_root: unknown, args: Input<DecideEligibilityInput>, context: HttpContext): Promise<Signed> {
      const request = decideEligibilityRequest(args.input);
      const response = await call<DecideEligibilityResponse>(context, (consult, metadata, options, done) =>
        consult.decideEligibility(request, metadata, options, done),
      );
      return { consult: answered(response), signature: signatureView(response.signature) };
    },

    async startConsult(_root: unknown, args: Input<ConsultActionInput>, context: HttpContext): Promise<ConsultView> {
      const { requestId, consultId } = args.input;
      return answered(
        await call<StartConsultResponse>(context, (consult, metadata, options, done) => consult.startConsult({ requestId, consultId }, metadata, options, done)),
      );
    },

    async sendMessage(_root: unknown, args: Input<SendMessageInput>, context: HttpContext): Promise<MessageView> {
      const request = sendMessageRequest(args.input);
      const response = await call<SendMessageResponse>(context, (consult, metadata, options, done) => consult.sendMessage(request, metadata, options, done));
      return messageView(present(response.message, "message"));
    },

    async joinVideo(_root: unknown, args: Input<ConsultActionInput>, context: HttpContext) {
      const { requestId, consultId } = args.input;
      return videoSessionView(
        await call<JoinVideoResponse>(context, (consult, metadata, options, done) => consult.joinVideo({ requestId, consultId }, metadata, options, done)),
      );
    },

    async completeConsult(_root: unknown, args: Input<CompleteConsultInput>, context: HttpContext): Promise<Signed> {
      const request = completeConsultRequest(args.input);
      const response = await call<CompleteConsultResponse>(context, (consult, metadata, options, done) =>
        consult.completeConsult(request, metadata, options, done),
      );
      return { consult: answered(response), signature: signatureView(response.signature) };
    },

    async terminateConsult(_root: unknown, args: Input<TerminateConsultInput>, context: HttpContext): Promise<ConsultView> {
      const { requestId, consultId, reasonCode } = args.input;
      return answered(
        await call<TerminateConsultResponse>(context, (consult, metadata, options, done) =>
          consult.terminateConsult({ requestId, consultId, reasonCode }, metadata, options, done),
        ),
      );
    },

    async proposeFamilyContract(_root: unknown, args: Input<ProposeFamilyContractInput>, context: HttpContext): Promise<FamilyContractView> {
      const request = proposeFamilyContractRequest(args.input);
      const response = await call<ProposeFamilyContractResponse>(context, (consult, metadata, options, done) =>
        consult.proposeFamilyContract(request, metadata, options, done),
      );
      return familyContractView(present(response.contract, "contract"));
    },

    async signFamilyContract(_root: unknown, args: Input<SignFamilyContractInput>, context: HttpContext): Promise<FamilyContractView> {
      const { requestId, contractId, termsSha256 } = args.input;
      const response = await call<SignFamilyContractResponse>(context, (consult, metadata, options, done) =>
        consult.signFamilyContract({ requestId, contractId, termsSha256 }, metadata, options, done),
      );
      return familyContractView(present(response.contract, "contract"));
    },
  };

  const Subscription = {
    consultMessages: {
      subscribe(_root: unknown, args: { readonly consultId: string }, context: WsContext): AsyncIterableIterator<MessageView> {
        const toPublic = (error: unknown) => deps.publicError(error, context);
        try {
          const { actor } = context;
          if (actor === undefined) throw new AuthenticationError("TOKEN_MISSING");
          const consult = client();
          const trace = (context.trace ?? requestTrace({})).context;
          const messages = serverStream<WatchMessagesResponse>({ token: actor.token, trace }, (metadata, options) =>
            consult.watchMessages({ consultId: args.consultId }, metadata, options),
          );
          // A response without its message carries nothing to deliver.
          return publicStream(messages, (response) => (response.message === undefined ? null : messageView(response.message)), toPublic);
        } catch (error) {
          throw toPublic(error);
        }
      },
      resolve: (message: MessageView): MessageView => message,
    },
  };

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
