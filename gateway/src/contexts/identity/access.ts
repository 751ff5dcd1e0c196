import { enumName, enumValue } from "@ihp/contracts";
import {
  SessionServiceService,
  SignatureAlgorithm,
  SignatureServiceService,
  SigningKeyServiceService,
  StaffRole,
  StepUpMethod,
} from "@ihp/contracts/identity";
import type * as Gql from "../../gen/graphql.js";
import { type HttpContext, present } from "../../http/context.js";
import type { ContextDeps } from "../module.js";
import { anyone, signedIn } from "./calls.js";
import { signingCertificateView, verifySignatureRequest } from "./signingMapping.js";
import { stepUpObject } from "./stepUpObject.js";

/** IDN-08: identity throttles wrong passwords per login name and source, so one client cannot lock out another. */
const CLIENT_ADDRESS_HEADER = "x-ihp-client-address";

/** Sign-in, step-up (IDN-03, IDN-08) and e-signature administration and checks (IDN-09). */
export function accessQueries(deps: ContextDeps) {
  return {
    async verifySignature(_root, { input }, context) {
      // Decoded before the call: malformed base64 is the caller's mistake, refused without asking the service.
      const request = verifySignatureRequest(input);
      const response = await deps.downstream.service("identity", SignatureServiceService).verifySignature(request, await signedIn(deps, context));
      return { valid: response.valid, reasonCode: enumName("SIGNATURE_REJECTION_", response.reasonCode) };
    },
  } satisfies Gql.QueryResolvers<HttpContext>;
}

export function accessMutations(deps: ContextDeps) {
  const sessions = () => deps.downstream.service("identity", SessionServiceService);
  const keys = () => deps.downstream.service("identity", SigningKeyServiceService);
  return {
    async login(_root, { input }, context) {
      const scope = await anyone(deps, context);
      const headers = context.clientAddress === undefined ? undefined : { [CLIENT_ADDRESS_HEADER]: context.clientAddress };
      const response = await sessions().login({ loginName: input.loginName, password: input.password }, { ...scope, headers });
      return { ...response, supersededSessionId: response.supersededSessionId ?? null };
    },

    /** IDN-03: re-authentication bound to one object, checked with its owning service first (stepUpObject). */
    async stepUp(_root, { input }, context) {
      const bound = await stepUpObject(deps, context, input);
      const method = enumValue(StepUpMethod, "STEP_UP_METHOD_", input.method);
      return sessions().stepUp({ requestId: input.requestId, ...bound, method, secret: input.secret }, await signedIn(deps, context));
    },

    async setPractitionerPassword(_root, { input }, context) {
      return sessions().setPractitionerPassword({ ...input, loginName: input.loginName ?? undefined }, await signedIn(deps, context));
    },

    async openStaffAccount(_root, { input }, context) {
      return sessions().openStaffAccount({ ...input, role: enumValue(StaffRole, "STAFF_ROLE_", input.role) }, await signedIn(deps, context));
    },

    async setStaffPassword(_root, { input }, context) {
      return sessions().setStaffPassword(input, await signedIn(deps, context));
    },

    async enrolSigningKey(_root, { input }, context) {
      // Unspecified: the service's configured algorithm.
      const { algorithm: name } = input;
      const algorithm = name == null ? SignatureAlgorithm.SIGNATURE_ALGORITHM_UNSPECIFIED : enumValue(SignatureAlgorithm, "SIGNATURE_ALGORITHM_", name);
      const response = await keys().enrolSigningKey({ ...input, algorithm }, await signedIn(deps, context));
      return signingCertificateView(present(response.certificate, "certificate"));
    },

    async revokeSigningCertificate(_root, { input }, context) {
      const response = await keys().revokeSigningCertificate(input, await signedIn(deps, context));
      return signingCertificateView(present(response.certificate, "certificate"));
    },
  } satisfies Gql.MutationResolvers<HttpContext>;
}
