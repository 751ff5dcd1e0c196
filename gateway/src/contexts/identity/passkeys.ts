import { SessionServiceService } from "@ihp/contracts/identity";
import type * as Gql from "../../gen/graphql.js";
import { type HttpContext, present } from "../../http/context.js";
import type { ContextDeps } from "../module.js";
import { signedIn } from "./calls.js";
import { stepUpObject } from "./stepUpObject.js";

/** WebAuthn passkeys of clinicians: registration, and the challenge a passkey step-up answers (IDN-03). */
export function passkeyMutations(deps: ContextDeps) {
  const sessions = () => deps.downstream.service("identity", SessionServiceService);
  return {
    async startPasskeyRegistration(_root, { input }, context) {
      const response = await sessions().startPasskeyRegistration({ requestId: input.requestId }, await signedIn(deps, context));
      return present(response.challenge, "challenge");
    },

    async finishPasskeyRegistration(_root, { input }, context) {
      return sessions().finishPasskeyRegistration({ requestId: input.requestId, responseJson: input.response }, await signedIn(deps, context));
    },

    async startStepUp(_root, { input }, context) {
      const bound = await stepUpObject(deps, context, input);
      const response = await sessions().startStepUp({ requestId: input.requestId, ...bound }, await signedIn(deps, context));
      return present(response.challenge, "challenge");
    },
  } satisfies Gql.MutationResolvers<HttpContext>;
}
