import type {
  ChangeLicenceResponse,
  GetInstitutionResponse,
  ListPublicInstitutionsResponse,
  RegisterInstitutionResponse,
  SetRegulatorConnectionResponse,
} from "@ihp/contracts/identity";
import { unary } from "../grpc/unary.js";
import {
  type ChangeLicenceInput,
  changeLicenceRequest,
  type InstitutionView,
  institutionView,
  type PublicInstitutionView,
  publicInstitutionView,
  type RegisterInstitutionInput,
  registerInstitutionRequest,
  type SetRegulatorConnectionInput,
  setRegulatorConnectionRequest,
} from "../mapping/institution.js";
import { type Connection, connection, type PageArgs } from "../paging/connection.js";
import { callScope, type HttpContext, present, type ResolverDeps } from "./context.js";

export function institutionQueries(deps: ResolverDeps) {
  const { identity } = deps.downstream;
  return {
    async institution(_root: unknown, args: { readonly id: string }, context: HttpContext): Promise<InstitutionView> {
      const actor = await context.caller.actor();
      // An unknown id is an error with its NOT_FOUND code, never a silent null (README, "Lookups").
      const response = await unary<GetInstitutionResponse>(callScope(deps, context, actor), (metadata, options, done) =>
        identity.getInstitution({ institutionId: args.id }, metadata, options, done),
      );
      return institutionView(present(response.institution, "institution"));
    },

    async publicInstitutions(_root: unknown, args: PageArgs, context: HttpContext): Promise<Connection<PublicInstitutionView>> {
      const actor = await context.caller.optionalActor();
      const scope = callScope(deps, context, actor);
      return connection(
        args,
        deps.limits,
        async (first, after) => {
          const response = await unary<ListPublicInstitutionsResponse>(scope, (metadata, options, done) =>
            identity.listPublicInstitutions({ page: { first, after } }, metadata, options, done),
          );
          return {
            items: response.institutions,
            endCursor: response.pageInfo?.endCursor ?? "",
            hasNextPage: response.pageInfo?.hasNextPage ?? false,
          };
        },
        publicInstitutionView,
      );
    },
  };
}

export function institutionMutations(deps: ResolverDeps) {
  const { identity } = deps.downstream;
  return {
    async registerInstitution(
      _root: unknown,
      args: { readonly input: RegisterInstitutionInput },
      context: HttpContext,
    ): Promise<InstitutionView> {
      const actor = await context.caller.actor();
      const response = await unary<RegisterInstitutionResponse>(callScope(deps, context, actor), (metadata, options, done) =>
        identity.registerInstitution(registerInstitutionRequest(args.input), metadata, options, done),
      );
      return institutionView(present(response.institution, "institution"));
    },

    async changeLicence(_root: unknown, args: { readonly input: ChangeLicenceInput }, context: HttpContext): Promise<InstitutionView> {
      const actor = await context.caller.actor();
      const response = await unary<ChangeLicenceResponse>(callScope(deps, context, actor), (metadata, options, done) =>
        identity.changeLicence(changeLicenceRequest(args.input), metadata, options, done),
      );
      return institutionView(present(response.institution, "institution"));
    },

    async setRegulatorConnection(
      _root: unknown,
      args: { readonly input: SetRegulatorConnectionInput },
      context: HttpContext,
    ): Promise<InstitutionView> {
      const actor = await context.caller.actor();
      const response = await unary<SetRegulatorConnectionResponse>(callScope(deps, context, actor), (metadata, options, done) =>
        identity.setRegulatorConnection(setRegulatorConnectionRequest(args.input), metadata, options, done),
      );
      return institutionView(present(response.institution, "institution"));
    },
  };
}
