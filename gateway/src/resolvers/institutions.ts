import { InstitutionServiceService } from "@ihp/contracts/identity";
import type * as Gql from "../gen/graphql.js";
import {
  changeLicenceRequest,
  institutionView,
  publicInstitutionView,
  registerInstitutionRequest,
  setRegulatorConnectionRequest,
} from "../mapping/institution.js";
import { connection } from "../paging/connection.js";
import { callScope, type HttpContext, present, type ResolverDeps } from "./context.js";

const institutions = (deps: ResolverDeps) => deps.downstream.service("identity", InstitutionServiceService);
const signedIn = async (deps: ResolverDeps, context: HttpContext) => callScope(deps, context, await context.caller.actor());

export function institutionQueries(deps: ResolverDeps) {
  return {
    async institution(_root, { id }, context) {
      // An unknown id is an error with its NOT_FOUND code, never a silent null (README, "Lookups").
      const response = await institutions(deps).getInstitution({ institutionId: id }, await signedIn(deps, context));
      return institutionView(present(response.institution, "institution"));
    },

    async publicInstitutions(_root, args, context) {
      const scope = callScope(deps, context, await context.caller.optionalActor());
      return connection(
        args,
        deps.limits,
        async (first, after) => {
          const response = await institutions(deps).listPublicInstitutions({ page: { first, after } }, scope);
          return { items: response.institutions, endCursor: response.pageInfo?.endCursor ?? "", hasNextPage: response.pageInfo?.hasNextPage ?? false };
        },
        publicInstitutionView,
      );
    },
  } satisfies Gql.QueryResolvers<HttpContext>;
}

export function institutionMutations(deps: ResolverDeps) {
  return {
    async registerInstitution(_root, { input }, context) {
      const response = await institutions(deps).registerInstitution(registerInstitutionRequest(input), await signedIn(deps, context));
      return institutionView(present(response.institution, "institution"));
    },

    async changeLicence(_root, { input }, context) {
      const response = await institutions(deps).changeLicence(changeLicenceRequest(input), await signedIn(deps, context));
      return institutionView(present(response.institution, "institution"));
    },

    async setRegulatorConnection(_root, { input }, context) {
      const response = await institutions(deps).setRegulatorConnection(setRegulatorConnectionRequest(input), await signedIn(deps, context));
      return institutionView(present(response.institution, "institution"));
    },
  } satisfies Gql.MutationResolvers<HttpContext>;
}
