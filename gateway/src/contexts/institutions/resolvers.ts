import { InstitutionServiceService } from "@ihp/contracts/identity";
import type * as Gql from "../../gen/graphql.js";
import {
  changeLicenceRequest,
  institutionView,
  publicInstitutionView,
  registerInstitutionRequest,
  setRegulatorConnectionRequest,
} from "./mapping.js";
import { connection, servicePage } from "../../paging/connection.js";
import { callScope, type HttpContext, present } from "../../http/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

function institutionResolvers(deps: ContextDeps) {
  const institutions = () => deps.downstream.service("identity", InstitutionServiceService);
  const signedIn = async (context: HttpContext) => callScope(deps, context, await context.caller.actor());

  const Query = {
    async institution(_root, { id }, context) {
      // An unknown id is an error with its NOT_FOUND code, never a silent null (README, "Lookups").
      const response = await institutions().getInstitution({ institutionId: id }, await signedIn(context));
      return institutionView(present(response.institution, "institution"));
    },

    async publicInstitutions(_root, args, context) {
      const scope = callScope(deps, context, await context.caller.optionalActor());
      return connection(
        args,
        deps.limits,
        async (first, after) => {
          const response = await institutions().listPublicInstitutions({ page: { first, after } }, scope);
          return servicePage(response.institutions, response.pageInfo);
        },
        publicInstitutionView,
      );
    },
  } satisfies Gql.QueryResolvers<HttpContext>;

  const Mutation = {
    async registerInstitution(_root, { input }, context) {
      const response = await institutions().registerInstitution(registerInstitutionRequest(input), await signedIn(context));
      return institutionView(present(response.institution, "institution"));
    },

    async changeLicence(_root, { input }, context) {
      const response = await institutions().changeLicence(changeLicenceRequest(input), await signedIn(context));
      return institutionView(present(response.institution, "institution"));
    },

    async setRegulatorConnection(_root, { input }, context) {
      const response = await institutions().setRegulatorConnection(setRegulatorConnectionRequest(input), await signedIn(context));
      return institutionView(present(response.institution, "institution"));
    },
  } satisfies Gql.MutationResolvers<HttpContext>;

  return { Query, Mutation };
}

/**
 * The institutions API (contexts/institutions/schema.graphql): the public directory, one institution, registration,
 * licences and the supervision platform connection, on identity's InstitutionService.
 */
export const institutionsModule: GatewayModule = {
  name: "institutions",
  schemaFile: new URL("./schema.graphql", import.meta.url),
  resolvers: institutionResolvers,
};
