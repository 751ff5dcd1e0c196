import { type ChannelCredentials, credentials as grpcCredentials, type Metadata } from "@grpc/grpc-js";
import { ClinicalAccessServiceClient, ClinicalObjectKind, SignatureServiceClient } from "@ihp/contracts/identity";
import { callDeadline, fromGrpcError, inProcessClientOptions, outgoingMetadata } from "@ihp/platform";
import type { IdentityPort, OutgoingCall } from "../../application/ports.js";
import { signatureFromProto, signatureToProto } from "../signatures.js";

/** Where identity expects the clinician's token on SignDocument (access.proto). */
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
  const channel = options.credentials ?? grpcCredentials.createInsecure();
  const access = new ClinicalAccessServiceClient(options.address, channel, inProcessClientOptions(options.address));
  const signatures = new SignatureServiceClient(options.address, channel, inProcessClientOptions(options.address));

  async function metadataFor(call: OutgoingCall): Promise<Metadata> {
    const token = call.token ?? (await options.serviceToken?.());
    return outgoingMetadata({ token });
  }

  function call<Res>(
    outgoing: OutgoingCall,
    invoke: (metadata: Metadata, options: ReturnType<typeof callDeadline>, done: (error: Error | null, response: Res) => void) => void,
  ): Promise<Res> {
    return metadataFor(outgoing).then(
      (metadata) =>
        new Promise<Res>((resolve, reject) => {
          invoke(metadata, callDeadline(options.timeoutMs, outgoing.deadline), (error, response) =>
            error === null ? resolve(response) : reject(fromGrpcError(error)),
          );
        }),
    );
  }

  return {
    async verifySignature(input, outgoing) {
      const response = await call<{ valid: boolean; reasonCode: string }>(outgoing, (metadata, callOptions, done) =>
        signatures.verifySignature(
          {
            canonicalDocument: Buffer.from(input.canonicalDocument),
            signature: signatureToProto(input.signature),
            expectedSignerId: input.expectedSignerId,
          },
          metadata,
          callOptions,
          done,
        ),
      );
      return { valid: response.valid, reasonCode: response.reasonCode };
    },

    async signDocument(input, outgoing) {
      // Submitted by pharmacy itself (its own token), signed by the pharmacist (their token as the signer's).
      if (outgoing.token === undefined) throw new Error("signing needs the pharmacist's own token");
      const signer = outgoing.token;
      const own = { ...outgoing, token: await options.serviceToken?.() };
      const response = await call<{ signature: Parameters<typeof signatureFromProto>[0] }>(own, (metadata, callOptions, done) => {
        metadata.set(SIGNER_AUTHORIZATION, `Bearer ${signer}`);
        signatures.signDocument(
          {
            requestId: input.requestId,
            documentType: input.documentType,
            documentId: input.documentId,
            canonicalDocument: Buffer.from(input.canonicalDocument),
            boundKind: ClinicalObjectKind.CLINICAL_OBJECT_KIND_PRESCRIPTION,
            boundId: input.prescriptionId,
          },
          metadata,
          callOptions,
          done,
        );
      });
      return signatureFromProto(response.signature);
    },

    async checkReviewer(input, outgoing) {
      const response = await call<{ affiliation: string; dispensingYears: number }>(outgoing, (metadata, callOptions, done) =>
        access.checkReviewer({ pharmacistId: input.pharmacistId, institutionId: input.institutionId }, metadata, callOptions, done),
      );
      return { affiliation: response.affiliation, dispensingYears: response.dispensingYears };
    },

    close() {
      access.close();
      signatures.close();
    },
  };
}
