import { type ChannelCredentials, credentials as grpcCredentials } from "@grpc/grpc-js";
import { enumName } from "@ihp/contracts";
import { ClinicalAccessServiceService, ClinicalObjectKind, SignatureServiceService } from "@ihp/contracts/identity";
import { type CallScope, fromGrpcError, serviceClient } from "@ihp/platform";
import type { IdentityPort, OutgoingCall } from "../../application/ports.js";
import { signatureFromProto, signatureToProto } from "../signatures.js";

/** Where identity expects the clinician's token on SignDocument and CheckSession (access.proto). */
const SIGNER_AUTHORIZATION = "x-ihp-signer-authorization";

export interface GrpcIdentityOptions {
  /** host:port of identity. */
  readonly address: string;
  readonly credentials?: ChannelCredentials | undefined;
  readonly timeoutMs: number;
  /**
   * The pharmacy's own token, for calls it makes on its own behalf (verifying a physician's signature when a
   * prescription arrives on the bus). Without it such calls go out unauthenticated and identity refuses them.
   */
  readonly serviceToken?: (() => Promise<string>) | undefined;
}

export interface GrpcIdentity extends IdentityPort {
  close(): void;
}

/**
 * IdentityPort over identity's gRPC services. Each call carries the caller's token (or the service's own) and the
 * current trace context, with a deadline no later than the call being served. A refusal comes back as RemoteError
 * with identity's stable code, which the pharmacy passes on unchanged.
 */
export function grpcIdentity(options: GrpcIdentityOptions): GrpcIdentity {
  const credentials = options.credentials ?? grpcCredentials.createInsecure();
  const access = serviceClient(ClinicalAccessServiceService, options.address, credentials, { mapError: fromGrpcError });
  const signatures = serviceClient(SignatureServiceService, options.address, credentials, { channelOverride: access.channel, mapError: fromGrpcError });

  const as = async (call: OutgoingCall): Promise<CallScope> => ({
    token: call.token ?? (await options.serviceToken?.()),
    timeoutMs: options.timeoutMs,
    parentDeadline: call.deadline,
  });

  /** A call pharmacy makes under its own token for the pharmacist, whose token rides along as the person's. */
  const onBehalfOf = async (outgoing: OutgoingCall): Promise<CallScope> => {
    if (outgoing.token === undefined) throw new Error("asking on a pharmacist's behalf needs the pharmacist's own token");
    return { ...(await as({ ...outgoing, token: await options.serviceToken?.() })), headers: { [SIGNER_AUTHORIZATION]: `Bearer ${outgoing.token}` } };
  };

  return {
    async verifySignature(input, outgoing) {
      const request = {
        canonicalDocument: Buffer.from(input.canonicalDocument),
        signature: signatureToProto(input.signature),
        expectedSignerId: input.expectedSignerId,
      };
      const { valid, reasonCode } = await signatures.verifySignature(request, await as(outgoing));
      return { valid, reasonCode: enumName("SIGNATURE_REJECTION_", reasonCode) ?? "" };
    },

    async signDocument(input, outgoing) {
      // Submitted by pharmacy itself, signed by the pharmacist.
      const scope = await onBehalfOf(outgoing);
      const request = {
        requestId: input.requestId,
        documentType: input.documentType,
        documentId: input.documentId,
        canonicalDocument: Buffer.from(input.canonicalDocument),
        boundKind: ClinicalObjectKind.CLINICAL_OBJECT_KIND_PRESCRIPTION,
        boundId: input.prescriptionId,
      };
      return signatureFromProto((await signatures.signDocument(request, scope)).signature);
    },

    async checkSession(outgoing) {
      await access.checkSession({}, await onBehalfOf(outgoing));
    },

    async checkReviewer(input, outgoing) {
      const request = { pharmacistId: input.pharmacistId, institutionId: input.institutionId };
      const { affiliation, dispensingYears } = await access.checkReviewer(request, await as(outgoing));
      return { affiliation, dispensingYears };
    },

    close() {
      // Closes the one channel both clients ride on.
      access.close();
    },
  };
}
