import {
  type FinishPasskeyRegistrationResponse,
  type PasskeyChallenge,
  SessionServiceClient,
  type StartPasskeyRegistrationResponse,
  type StartStepUpResponse,
} from "@ihp/contracts/identity";
import { type HttpContext, present } from "../../resolvers/context.js";
import type { ContextDeps } from "../module.js";
import { signedIn } from "./calls.js";
import { stepUpObject, type StepUpObjectInput } from "./stepUpObject.js";

type Input<T> = { readonly input: T };

/** WebAuthn passkeys of clinicians: registration, and the challenge a passkey step-up answers (IDN-03). */
export function passkeyMutations(deps: ContextDeps) {
  const sessions = () => deps.downstream.client("identity", SessionServiceClient);
  return {
    async startPasskeyRegistration(_root: unknown, args: Input<{ requestId: string }>, context: HttpContext): Promise<PasskeyChallenge> {
      const response = await signedIn<StartPasskeyRegistrationResponse>(deps, context, (metadata, options, done) =>
        sessions().startPasskeyRegistration({ requestId: args.input.requestId }, metadata, options, done),
      );
      return present(response.challenge, "challenge");
    },

    finishPasskeyRegistration(_root: unknown, args: Input<{ requestId: string; response: string }>, context: HttpContext): Promise<FinishPasskeyRegistrationResponse> {
      return signedIn<FinishPasskeyRegistrationResponse>(deps, context, (metadata, options, done) =>
        sessions().finishPasskeyRegistration({ requestId: args.input.requestId, responseJson: args.input.response }, metadata, options, done),
      );
    },

    async startStepUp(_root: unknown, args: Input<{ requestId: string } & StepUpObjectInput>, context: HttpContext): Promise<PasskeyChallenge> {
      const bound = await stepUpObject(deps, context, args.input);
      const response = await signedIn<StartStepUpResponse>(deps, context, (metadata, options, done) =>
        sessions().startStepUp({ requestId: args.input.requestId, ...bound }, metadata, options, done),
      );
      return present(response.challenge, "challenge");
    },
  };
}
