import { enumName } from "@ihp/contracts";
import type { ConsultServiceServer } from "@ihp/contracts/consult";
import { type CallContext, correlationIdOf, type GrpcHandlers, traceFields } from "@ihp/platform";
import type { Caller } from "../../application/caller.js";
import type { ConsultCommands } from "../../application/consultCommands.js";
import type { ConsultQueries, PageRequest } from "../../application/consultQueries.js";
import type { ConsentDocument } from "../../application/consentTexts.js";
import type { FamilyContracts } from "../../application/familyContracts.js";
import type { MessageSentData } from "../../domain/consults/index.js";
import { signatureMessage } from "../identity/grpcIdentity.js";
import { consultToProto, contractToProto, diagnosesFromProto, messageToProto, summaryToProto } from "./convert.js";

export interface ConsultServerOptions {
  readonly handlers: GrpcHandlers;
  readonly commands: ConsultCommands;
  readonly queries: ConsultQueries;
  readonly contracts: FamilyContracts;
  readonly consent: () => ConsentDocument;
  readonly watch: (caller: Caller, consultId: string, signal: AbortSignal, send: (message: MessageSentData) => Promise<void>) => Promise<void>;
  readonly sweep: (caller: Caller) => Promise<string[]>;
  /** Ends message streams when the service stops. */
  readonly stopping: AbortSignal;
  readonly newId: () => string;
}

export function callerOf(call: CallContext, newId: () => string): Caller {
  const correlationId = correlationIdOf(call.metadata, newId);
  return { principal: call.principal, token: call.token, correlationId, trace: traceFields(), deadline: call.deadline };
}

function pageOf(page: { first: number; after: string } | undefined): PageRequest {
  return { first: page?.first ?? 0, after: page?.after ?? "" };
}

/** ihp.consult.v1.ConsultService: converts messages and picks the handler; the platform wrapper does the rest. */
export function consultServer(options: ConsultServerOptions): ConsultServiceServer {
  const { handlers, commands, queries, contracts } = options;
  const caller = (call: CallContext): Caller => callerOf(call, options.newId);

  return {
    requestConsult: handlers.unary(async (request, call) => {
      const view = await commands.request(caller(call), {
        requestId: request.requestId,
        institutionId: request.institutionId,
        consultType: enumName("CONSULT_TYPE_", request.consultType) ?? "",
        departmentCode: request.departmentCode,
        patientId: request.patientId,
        priorRecord:
          request.priorRecord === undefined
            ? null
            : {
                ...request.priorRecord,
                documentId: request.priorRecord.documentId ?? "",
                hisLinkId: request.priorRecord.hisLinkId ?? "",
                recordType: enumName("PRIOR_RECORD_TYPE_", request.priorRecord.recordType) ?? "",
                diagnoses: diagnosesFromProto(request.priorRecord.diagnoses),
              },
        invitation:
          request.invitation === undefined ? null : { ...request.invitation, diagnoses: diagnosesFromProto(request.invitation.diagnoses) },
        familyContractId: request.familyContractId ?? "",
        triageFlags: request.triageFlags,
      });
      return { consult: consultToProto(view) };
    }),
    cancelConsult: handlers.unary(async (request, call) => ({ consult: consultToProto(await commands.cancel(caller(call), request)) })),
    giveConsent: handlers.unary(async (request, call) => ({ consult: consultToProto(await commands.giveConsent(caller(call), request)) })),
    acceptConsult: handlers.unary(async (request, call) => ({ consult: consultToProto(await commands.accept(caller(call), request)) })),
    decideEligibility: handlers.unary(async (request, call) => {
      const { view, signature } = await commands.decideEligibility(caller(call), {
        requestId: request.requestId,
        consultId: request.consultId,
        eligible: request.eligible,
        verifiedDiagnoses: diagnosesFromProto(request.verifiedDiagnoses),
      });
      return { consult: consultToProto(view), signature: signature === undefined ? undefined : signatureMessage(signature) };
    }),
    startConsult: handlers.unary(async (request, call) => ({ consult: consultToProto(await commands.start(caller(call), request)) })),
    sendMessage: handlers.unary(async (request, call) => {
      const { text = "", mediaUri = "", mediaSha256 = "" } = request;
      const message = { ...request, kind: enumName("MESSAGE_KIND_", request.kind) ?? "", text, mediaUri, mediaSha256 };
      return { message: messageToProto(await commands.sendMessage(caller(call), message)) };
    }),
    watchMessages: handlers.serverStream(async (request, call, send) => {
      const signal = AbortSignal.any([call.signal, options.stopping]);
      await options.watch(caller(call), request.consultId, signal, (message) => send({ message: messageToProto(message) }));
    }),
    joinVideo: handlers.unary(async (request, call) => {
      const { roomId, token } = await commands.joinVideo(caller(call), request);
      return { roomId, token: token.token, expiresAt: token.expiresAt.toISOString() };
    }),
    storeRecording: handlers.unary(async (request, call) => ({ consult: consultToProto(await commands.storeRecording(caller(call), request)) })),
    completeConsult: handlers.unary(async (request, call) => {
      const { view, signature } = await commands.complete(caller(call), {
        requestId: request.requestId,
        consultId: request.consultId,
        summary: request.summary,
        diagnoses: diagnosesFromProto(request.diagnoses),
      });
      return { consult: consultToProto(view), signature: signature === undefined ? undefined : signatureMessage(signature) };
    }),
    terminateConsult: handlers.unary(async (request, call) => ({ consult: consultToProto(await commands.terminate(caller(call), request)) })),
    expireOverdueConsults: handlers.unary(async (_request, call) => ({ expiredConsultIds: await options.sweep(caller(call)) })),
    getConsult: handlers.unary(async (request, call) => ({ consult: consultToProto(await queries.get(caller(call), request.consultId)) })),
    listWaitingConsults: handlers.unary(async (request, call) => {
      const page = await queries.waiting(caller(call), pageOf(request.page));
      return { consults: page.consults.map(summaryToProto), pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage } };
    }),
    listMyConsults: handlers.unary(async (request, call) => {
      // UNSPECIFIED or a value this build does not know reads as "", which the query refuses like any unknown status.
      const statuses = request.statuses.map((status) => enumName("CONSULT_STATUS_", status) ?? "");
      const page = await queries.mine(caller(call), pageOf(request.page), statuses);
      return { consults: page.consults.map(summaryToProto), pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage } };
    }),
    listInstitutionBoard: handlers.unary(async (request, call) => {
      const page = await queries.board(caller(call), request.institutionId, pageOf(request.page));
      return { consults: page.consults.map(summaryToProto), pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage } };
    }),
    // Public: the text patients read before consenting (CON-06); nothing personal.
    getConsentText: handlers.publicUnary(() => {
      const { version, sha256, text } = options.consent();
      return Promise.resolve({ version, sha256, text });
    }),
    proposeFamilyContract: handlers.unary(async (request, call) => ({
      contract: contractToProto(
        await contracts.propose(caller(call), { ...request, coveredDiagnoses: diagnosesFromProto(request.coveredDiagnoses) }),
      ),
    })),
    signFamilyContract: handlers.unary(async (request, call) => ({ contract: contractToProto(await contracts.sign(caller(call), request)) })),
    getFamilyContract: handlers.unary(async (request, call) => ({ contract: contractToProto(await contracts.get(caller(call), request.contractId)) })),
  };
}
