import { type ChannelCredentials, credentials as grpcCredentials } from "@grpc/grpc-js";
import { ClinicalAccessServiceService, PatientServiceService, sexCode } from "@ihp/contracts/identity";
import { type CallScope, fromGrpcError, isRefusal, serviceClient } from "@ihp/platform";
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
  const credentials = options.credentials ?? grpcCredentials.createInsecure();
  const access = serviceClient(ClinicalAccessServiceService, options.address, credentials, { mapError: fromGrpcError });
  const patients = serviceClient(PatientServiceService, options.address, credentials, { mapError: fromGrpcError });
  const scope = (caller: { readonly token?: string | undefined; readonly deadline?: Date | undefined }): CallScope => ({
    token: caller.token,
    timeoutMs: options.timeoutMs,
    parentDeadline: caller.deadline,
  });

  return {
    async verifiedPatient(patientId) {
      const response = await access.getVerifiedPatient({ patientId }, scope({ token: await options.serviceToken() }));
      return { patientId: response.patientId, birthDate: response.birthDate, sex: sexCode(response.sex) };
    },
    async checkGuardian(caller, guardianId, childId) {
      return (await access.checkGuardian({ guardianId, childId }, scope(caller))).verified;
    },
    async isTreating(caller, patientId) {
      // identity answers a physician's GetPatient only through a care relationship (REC-09), minimized, and records
      // the read; any refusal (NO_CARE_RELATIONSHIP, a role it does not serve) means "not treating".
      try {
        await patients.getPatient({ patientId }, scope(caller));
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
