import {
  type ChangePracticeResponse,
  type EnablePractitionerResponse,
  type GetPractitionerResponse,
  type ListPractitionersResponse,
  type ListPublicCliniciansResponse,
  type RecordPracticeDocumentResponse,
  type RecordPractitionerExitResponse,
  type RegisterPractitionerResponse,
  type ReinstatePractitionerResponse,
  type RevokePractitionerResponse,
  type SuspendPractitionerResponse,
  type VerifyIdentityResponse,
  type VerifyRegistrationResponse,
} from "@ihp/contracts/identity";
import { PractitionerServiceClient } from "@ihp/contracts/identity";
import { unary } from "../../grpc/unary.js";
import { type Connection, connection, type PageArgs } from "../../paging/connection.js";
import { type HttpContext, present } from "../../resolvers/context.js";
import type { ContextDeps } from "../module.js";
import { publicScope, signedIn, signedInScope } from "./calls.js";
import {
  type ChangePracticeInput,
  changePracticeRequest,
  practitionerSummaryView,
  type PractitionerSummaryView,
  practitionerView,
  type PractitionerView,
  type PublicClinicianView,
  publicClinicianView,
  type RecordPracticeDocumentInput,
  recordPracticeDocumentRequest,
  type RegisterPractitionerInput,
  registerPractitionerRequest,
} from "./mapping.js";

interface ActionInput {
  readonly requestId: string;
  readonly practitionerId: string;
}
interface StatusChangeInput extends ActionInput {
  readonly reason: string;
}
interface VerifyIdentityInput extends ActionInput {
  readonly evidence: string;
}
type Input<T> = { readonly input: T };

export function practitionerQueries(deps: ContextDeps) {
  const client = () => deps.downstream.client("identity", PractitionerServiceClient);
  return {
    async publicClinicians(
      _root: unknown,
      args: PageArgs & { readonly institutionId?: string | null },
      context: HttpContext,
    ): Promise<Connection<PublicClinicianView>> {
      const scope = await publicScope(deps, context);
      const practitioners = client();
      return connection(
        args,
        deps.limits,
        async (first, after) => {
          const response = await unary<ListPublicCliniciansResponse>(scope, (metadata, options, done) =>
            practitioners.listPublicClinicians({ institutionId: args.institutionId ?? "", page: { first, after } }, metadata, options, done),
          );
          return {
            items: response.clinicians,
            endCursor: response.pageInfo?.endCursor ?? "",
            hasNextPage: response.pageInfo?.hasNextPage ?? false,
          };
        },
        publicClinicianView,
      );
    },

    async practitioners(
      _root: unknown,
      args: PageArgs & { readonly institutionId: string },
      context: HttpContext,
    ): Promise<Connection<PractitionerSummaryView>> {
      const scope = await signedInScope(deps, context);
      const practitioners = client();
      return connection(
        args,
        deps.limits,
        async (first, after) => {
          const response = await unary<ListPractitionersResponse>(scope, (metadata, options, done) =>
            practitioners.listPractitioners({ institutionId: args.institutionId, page: { first, after } }, metadata, options, done),
          );
          return {
            items: response.practitioners,
            endCursor: response.pageInfo?.endCursor ?? "",
            hasNextPage: response.pageInfo?.hasNextPage ?? false,
          };
        },
        practitionerSummaryView,
      );
    },

    async practitioner(_root: unknown, args: { readonly id: string }, context: HttpContext): Promise<PractitionerView> {
      // An unknown id is an error with its NOT_FOUND code, never a silent null (README, "Lookups").
      const response = await signedIn<GetPractitionerResponse>(deps, context, (metadata, options, done) =>
        client().getPractitioner({ practitionerId: args.id }, metadata, options, done),
      );
      return practitionerView(present(response.practitioner, "practitioner"));
    },
  };
}

export function practitionerMutations(deps: ContextDeps) {
  const client = () => deps.downstream.client("identity", PractitionerServiceClient);
  // Every mutation answers the practitioner as the service recorded it.
  const answer = async (call: Promise<{ practitioner?: Parameters<typeof practitionerView>[0] | undefined }>) =>
    practitionerView(present((await call).practitioner, "practitioner"));
  return {
    registerPractitioner: (_root: unknown, args: Input<RegisterPractitionerInput>, context: HttpContext) =>
      answer(
        signedIn<RegisterPractitionerResponse>(deps, context, (metadata, options, done) =>
          client().registerPractitioner(registerPractitionerRequest(args.input), metadata, options, done),
        ),
      ),

    verifyPractitionerRegistration: (_root: unknown, args: Input<ActionInput>, context: HttpContext) =>
      answer(
        signedIn<VerifyRegistrationResponse>(deps, context, (metadata, options, done) =>
          client().verifyRegistration(action(args.input), metadata, options, done),
        ),
      ),

    verifyPractitionerIdentity: (_root: unknown, args: Input<VerifyIdentityInput>, context: HttpContext) =>
      answer(
        signedIn<VerifyIdentityResponse>(deps, context, (metadata, options, done) =>
          client().verifyIdentity({ ...action(args.input), evidence: args.input.evidence }, metadata, options, done),
        ),
      ),

    recordPracticeDocument: (_root: unknown, args: Input<RecordPracticeDocumentInput>, context: HttpContext) =>
      answer(
        signedIn<RecordPracticeDocumentResponse>(deps, context, (metadata, options, done) =>
          client().recordPracticeDocument(recordPracticeDocumentRequest(args.input), metadata, options, done),
        ),
      ),

    enablePractitioner: (_root: unknown, args: Input<ActionInput>, context: HttpContext) =>
      answer(
        signedIn<EnablePractitionerResponse>(deps, context, (metadata, options, done) =>
          client().enablePractitioner(action(args.input), metadata, options, done),
        ),
      ),

    changePractice: (_root: unknown, args: Input<ChangePracticeInput>, context: HttpContext) =>
      answer(
        signedIn<ChangePracticeResponse>(deps, context, (metadata, options, done) =>
          client().changePractice(changePracticeRequest(args.input), metadata, options, done),
        ),
      ),

    suspendPractitioner: (_root: unknown, args: Input<StatusChangeInput>, context: HttpContext) =>
      answer(
        signedIn<SuspendPractitionerResponse>(deps, context, (metadata, options, done) =>
          client().suspendPractitioner({ ...action(args.input), reason: args.input.reason }, metadata, options, done),
        ),
      ),

    reinstatePractitioner: (_root: unknown, args: Input<ActionInput>, context: HttpContext) =>
      answer(
        signedIn<ReinstatePractitionerResponse>(deps, context, (metadata, options, done) =>
          client().reinstatePractitioner(action(args.input), metadata, options, done),
        ),
      ),

    revokePractitioner: (_root: unknown, args: Input<StatusChangeInput>, context: HttpContext) =>
      answer(
        signedIn<RevokePractitionerResponse>(deps, context, (metadata, options, done) =>
          client().revokePractitioner({ ...action(args.input), reason: args.input.reason }, metadata, options, done),
        ),
      ),

    recordPractitionerExit: (_root: unknown, args: Input<ActionInput>, context: HttpContext) =>
      answer(
        signedIn<RecordPractitionerExitResponse>(deps, context, (metadata, options, done) =>
          client().recordPractitionerExit(action(args.input), metadata, options, done),
        ),
      ),
  };
}

function action(input: ActionInput): { requestId: string; practitionerId: string } {
  return { requestId: input.requestId, practitionerId: input.practitionerId };
}
