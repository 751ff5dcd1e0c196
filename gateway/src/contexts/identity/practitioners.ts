import { type Practitioner, PractitionerServiceService } from "@ihp/contracts/identity";
import type * as Gql from "../../gen/graphql.js";
import { connection, servicePage } from "../../paging/connection.js";
import { type HttpContext, present } from "../../http/context.js";
import type { ContextDeps } from "../module.js";
import { anyone, signedIn } from "./calls.js";
import {
  changePracticeRequest,
  practitionerSummaryView,
  practitionerView,
  publicClinicianView,
  recordPracticeDocumentRequest,
  registerPractitionerRequest,
} from "./mapping.js";

export function practitionerQueries(deps: ContextDeps) {
  const client = () => deps.downstream.service("identity", PractitionerServiceService);
  return {
    async publicClinicians(_root, args, context) {
      const scope = await anyone(deps, context);
      const practitioners = client();
      return connection(
        args,
        deps.limits,
        async (first, after) => {
          const response = await practitioners.listPublicClinicians({ institutionId: args.institutionId ?? "", page: { first, after } }, scope);
          return servicePage(response.clinicians, response.pageInfo);
        },
        publicClinicianView,
      );
    },

    async practitioners(_root, args, context) {
      const scope = await signedIn(deps, context);
      const practitioners = client();
      return connection(
        args,
        deps.limits,
        async (first, after) => {
          const response = await practitioners.listPractitioners({ institutionId: args.institutionId, page: { first, after } }, scope);
          return servicePage(response.practitioners, response.pageInfo);
        },
        practitionerSummaryView,
      );
    },

    async practitioner(_root, { id }, context) {
      // An unknown id is an error with its NOT_FOUND code, never a silent null (README, "Lookups").
      const response = await client().getPractitioner({ practitionerId: id }, await signedIn(deps, context));
      return practitionerView(present(response.practitioner, "practitioner"));
    },
  } satisfies Gql.QueryResolvers<HttpContext>;
}

export function practitionerMutations(deps: ContextDeps) {
  const client = () => deps.downstream.service("identity", PractitionerServiceService);
  // Every mutation answers the practitioner as the service recorded it.
  const answer = async (call: Promise<{ practitioner?: Practitioner | undefined }>) =>
    practitionerView(present((await call).practitioner, "practitioner"));
  return {
    registerPractitioner: async (_root, { input }, context) =>
      answer(client().registerPractitioner(registerPractitionerRequest(input), await signedIn(deps, context))),
    verifyPractitionerRegistration: async (_root, { input }, context) => answer(client().verifyRegistration(input, await signedIn(deps, context))),
    verifyPractitionerIdentity: async (_root, { input }, context) => answer(client().verifyIdentity(input, await signedIn(deps, context))),
    recordPracticeDocument: async (_root, { input }, context) =>
      answer(client().recordPracticeDocument(recordPracticeDocumentRequest(input), await signedIn(deps, context))),
    enablePractitioner: async (_root, { input }, context) => answer(client().enablePractitioner(input, await signedIn(deps, context))),
    changePractice: async (_root, { input }, context) => answer(client().changePractice(changePracticeRequest(input), await signedIn(deps, context))),
    suspendPractitioner: async (_root, { input }, context) => answer(client().suspendPractitioner(input, await signedIn(deps, context))),
    reinstatePractitioner: async (_root, { input }, context) => answer(client().reinstatePractitioner(input, await signedIn(deps, context))),
    revokePractitioner: async (_root, { input }, context) => answer(client().revokePractitioner(input, await signedIn(deps, context))),
    recordPractitionerExit: async (_root, { input }, context) => answer(client().recordPractitionerExit(input, await signedIn(deps, context))),
  } satisfies Gql.MutationResolvers<HttpContext>;
}
