import {
  type EnrolSigningKeyResponse,
  type LoginResponse,
  type OpenStaffAccountResponse,
  type RevokeSigningCertificateResponse,
  type SetPractitionerPasswordResponse,
  type SetStaffPasswordResponse,
  type StepUpResponse,
  type VerifySignatureResponse,
} from "@ihp/contracts/identity";
import { SessionServiceClient, SignatureServiceClient, SigningKeyServiceClient } from "@ihp/contracts/identity";
import { type HttpContext, present } from "../../resolvers/context.js";
import type { ContextDeps } from "../module.js";
import { anyone, signedIn } from "./calls.js";
import { orNull } from "./enums.js";
import { stepUpObject, type StepUpObjectInput } from "./stepUpObject.js";
import { type SigningCertificateView, signingCertificateView, type VerifySignatureInput, verifySignatureRequest } from "./signingMapping.js";

type Input<T> = { readonly input: T };

interface LoginSessionView {
  readonly accessToken: string;
  readonly expiresAt: string;
  readonly sessionId: string;
  readonly subjectId: string;
  readonly supersededSessionId: string | null;
}

/** Sign-in, step-up (IDN-03, IDN-08) and e-signature administration and checks (IDN-09). */
export function accessQueries(deps: ContextDeps) {
  const signatures = () => deps.downstream.client("identity", SignatureServiceClient);
  return {
    async verifySignature(
      _root: unknown,
      args: Input<VerifySignatureInput>,
      context: HttpContext,
    ): Promise<{ valid: boolean; reasonCode: string | null }> {
      // Decoded before the call: malformed base64 is the caller's mistake, refused without asking the service.
      const request = verifySignatureRequest(args.input);
      const response = await signedIn<VerifySignatureResponse>(deps, context, (metadata, options, done) =>
        signatures().verifySignature(request, metadata, options, done),
      );
      return { valid: response.valid, reasonCode: orNull(response.reasonCode) };
    },
  };
}

export function accessMutations(deps: ContextDeps) {
  const sessions = () => deps.downstream.client("identity", SessionServiceClient);
  const keys = () => deps.downstream.client("identity", SigningKeyServiceClient);
  return {
    async login(_root: unknown, args: Input<{ loginName: string; password: string }>, context: HttpContext): Promise<LoginSessionView> {
      const response = await anyone<LoginResponse>(deps, context, (metadata, options, done) => {
        // IDN-08: identity throttles wrong passwords per login name and source, so one client cannot lock out another.
        if (context.clientAddress !== undefined) metadata.set("x-ihp-client-address", context.clientAddress);
        return sessions().login({ loginName: args.input.loginName, password: args.input.password }, metadata, options, done);
      });
      return { ...response, supersededSessionId: orNull(response.supersededSessionId) };
    },

    /** IDN-03: re-authentication bound to one object, checked with its owning service first (stepUpObject). */
    stepUp: async (
      _root: unknown,
      args: Input<StepUpObjectInput & { requestId: string; method: string; secret: string }>,
      context: HttpContext,
    ): Promise<StepUpResponse> => {
      const { input } = args;
      const bound = await stepUpObject(deps, context, input);
      return signedIn<StepUpResponse>(deps, context, (metadata, options, done) =>
        sessions().stepUp({ requestId: input.requestId, ...bound, method: input.method, secret: input.secret }, metadata, options, done),
      );
    },

    setPractitionerPassword: (
      _root: unknown,
      args: Input<{ requestId: string; practitionerId: string; loginName?: string | null; password: string }>,
      context: HttpContext,
    ): Promise<SetPractitionerPasswordResponse> => {
      const { input } = args;
      return signedIn<SetPractitionerPasswordResponse>(deps, context, (metadata, options, done) =>
        sessions().setPractitionerPassword(
          { requestId: input.requestId, practitionerId: input.practitionerId, loginName: input.loginName ?? "", password: input.password },
          metadata,
          options,
          done,
        ),
      );
    },

    openStaffAccount: (
      _root: unknown,
      args: Input<{ requestId: string; institutionId: string; role: "INSTITUTION_ADMIN" | "PHARMACY_GOVERNANCE"; loginName: string; password: string }>,
      context: HttpContext,
    ): Promise<OpenStaffAccountResponse> => {
      const { input } = args;
      return signedIn<OpenStaffAccountResponse>(deps, context, (metadata, options, done) =>
        sessions().openStaffAccount(
          { requestId: input.requestId, institutionId: input.institutionId, role: input.role.toLowerCase(), loginName: input.loginName, password: input.password },
          metadata,
          options,
          done,
        ),
      );
    },

    setStaffPassword: (
      _root: unknown,
      args: Input<{ requestId: string; subjectId: string; password: string }>,
      context: HttpContext,
    ): Promise<SetStaffPasswordResponse> => {
      const { input } = args;
      return signedIn<SetStaffPasswordResponse>(deps, context, (metadata, options, done) =>
        sessions().setStaffPassword({ requestId: input.requestId, subjectId: input.subjectId, password: input.password }, metadata, options, done),
      );
    },

    async enrolSigningKey(
      _root: unknown,
      args: Input<{ requestId: string; practitionerId: string; algorithm?: string | null }>,
      context: HttpContext,
    ): Promise<SigningCertificateView> {
      const { input } = args;
      const response = await signedIn<EnrolSigningKeyResponse>(deps, context, (metadata, options, done) =>
        keys().enrolSigningKey(
          { requestId: input.requestId, practitionerId: input.practitionerId, algorithm: input.algorithm ?? "" },
          metadata,
          options,
          done,
        ),
      );
      return signingCertificateView(present(response.certificate, "certificate"));
    },

    async revokeSigningCertificate(
      _root: unknown,
      args: Input<{ requestId: string; practitionerId: string; serial: string; reason: string }>,
      context: HttpContext,
    ): Promise<SigningCertificateView> {
      const { input } = args;
      const response = await signedIn<RevokeSigningCertificateResponse>(deps, context, (metadata, options, done) =>
        keys().revokeSigningCertificate(
          { requestId: input.requestId, practitionerId: input.practitionerId, serial: input.serial, reason: input.reason },
          metadata,
          options,
          done,
        ),
      );
      return signingCertificateView(present(response.certificate, "certificate"));
    },
  };
}
