import { type ChannelCredentials, credentials as grpcCredentials, type Metadata } from "@grpc/grpc-js";
import { ClinicalAccessServiceClient, PatientServiceClient } from "@ihp/contracts/identity";
import { callDeadline, fromGrpcError, inProcessClientOptions, isRefusal, outgoingMetadata } from "@ihp/platform";
import type { IdentityPort } from "../../application/ports.js";

export interface GrpcIdentityOptions {
  /** host:port of identity. */
  readonly address: string;
  readonly credentials?: ChannelCredentials | undefined;
  readonly timeoutMs: number;
  /** Integration's own token: it checks a patient is verified on its own behalf (the HIS's token is not identity's business). */
  readonly serviceToken: () => Promise<string>;
}

/**
 * IdentityPort over identity's ClinicalAccessService. Refusals come back as RemoteError with identity's stable code
 * (PATIENT_NOT_FOUND, PATIENT_NOT_VERIFIED …), which integration passes on unchanged.
 */
export function grpcIdentity(options: GrpcIdentityOptions): IdentityPort & { close(): void } {
  const channel = options.credentials ?? grpcCredentials.createInsecure();
  const access = new ClinicalAccessServiceClient(options.address, channel, inProcessClientOptions(options.address));
  const patients = new PatientServiceClient(options.address, channel, inProcessClientOptions(options.address));

  function call<Res>(token: string | undefined, deadline: Date | undefined, invoke: (metadata: Metadata, callOptions: ReturnType<typeof callDeadline>, done: (error: Error | null, response: Res) => void) => void): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      invoke(outgoingMetadata({ token }), callDeadline(options.timeoutMs, deadline), (error, response) => (error === null ? resolve(response) : reject(fromGrpcError(error))));
    });
  }

  return {
    async verifiedPatient(patientId) {
      const token = await options.serviceToken();
      const response = await call<{ patientId: string; birthDate: string; sex: string }>(token, undefined, (metadata, callOptions, done) =>
        access.getVerifiedPatient({ patientId }, metadata, callOptions, done),
      );
      return { patientId: response.patientId, birthDate: response.birthDate, sex: response.sex };
    },
    async checkGuardian(caller, guardianId, childId) {
      const response = await call<{ verified: boolean }>(caller.token, caller.deadline, (metadata, callOptions, done) =>
        access.checkGuardian({ guardianId, childId }, metadata, callOptions, done),
      );
      return response.verified;
    },
    async isTreating(caller, patientId) {
      // identity answers a physician's GetPatient only through a care relationship (REC-09), minimized, and records
      // the read; any refusal (NO_CARE_RELATIONSHIP, a role it does not serve) means "not treating".
      try {
        await call<unknown>(caller.token, caller.deadline, (metadata, callOptions, done) => patients.getPatient({ patientId }, metadata, callOptions, done));
        return true;
      } catch (error) {
        if (isRefusal(error)) return false;
        throw error;
      }
    },
    close: () => {
      access.close();
      patients.close();
    },
  };
}
