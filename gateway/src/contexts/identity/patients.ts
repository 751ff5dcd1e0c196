import {
  type GetPatientResponse,
  type LinkGuardianResponse,
  type RegisterPatientResponse,
  type VerifyGuardianshipResponse,
  type VerifyPatientIdentityResponse,
} from "@ihp/contracts/identity";
import { PatientServiceClient } from "@ihp/contracts/identity";
import { type HttpContext, present } from "../../resolvers/context.js";
import type { ContextDeps } from "../module.js";
import { anyone, signedIn } from "./calls.js";
import {
  type LinkGuardianInput,
  maskIdNumber,
  type PatientView,
  patientView,
  type RegisterPatientInput,
  registerPatientRequest,
  type VerifyGuardianshipInput,
  type VerifyPatientIdentityInput,
} from "./patientMapping.js";

type Input<T> = { readonly input: T };

export function patientQueries(deps: ContextDeps) {
  const client = () => deps.downstream.client("identity", PatientServiceClient);
  return {
    async patient(_root: unknown, args: { readonly id: string }, context: HttpContext): Promise<PatientView> {
      // An unknown id is an error with its NOT_FOUND code, never a silent null (README, "Lookups").
      const response = await signedIn<GetPatientResponse>(deps, context, (metadata, options, done) =>
        client().getPatient({ patientId: args.id }, metadata, options, done),
      );
      return patientView(present(response.patient, "patient"));
    },
  };
}

export function patientMutations(deps: ContextDeps) {
  const client = () => deps.downstream.client("identity", PatientServiceClient);
  return {
    async registerPatient(_root: unknown, args: Input<RegisterPatientInput>, context: HttpContext): Promise<PatientView> {
      const response = await anyone<RegisterPatientResponse>(deps, context, (metadata, options, done) =>
        client().registerPatient(registerPatientRequest(args.input), metadata, options, done),
      );
      return { ...patientView(present(response.patient, "patient")), maskedIdNumber: maskIdNumber(args.input.idNumber) };
    },

    async verifyPatientIdentity(_root: unknown, args: Input<VerifyPatientIdentityInput>, context: HttpContext): Promise<PatientView> {
      const { input } = args;
      const response = await signedIn<VerifyPatientIdentityResponse>(deps, context, (metadata, options, done) =>
        client().verifyPatientIdentity(
          { requestId: input.requestId, patientId: input.patientId, method: input.method, evidence: input.evidence ?? "" },
          metadata,
          options,
          done,
        ),
      );
      return patientView(present(response.patient, "patient"));
    },

    async linkGuardian(_root: unknown, args: Input<LinkGuardianInput>, context: HttpContext): Promise<PatientView> {
      const { input } = args;
      const response = await signedIn<LinkGuardianResponse>(deps, context, (metadata, options, done) =>
        client().linkGuardian(
          {
            requestId: input.requestId,
            childId: input.childId,
            guardianId: input.guardianId,
            relationship: input.relationship,
            evidenceReference: input.evidenceReference,
          },
          metadata,
          options,
          done,
        ),
      );
      return patientView(present(response.child, "child"));
    },

    async verifyGuardianship(_root: unknown, args: Input<VerifyGuardianshipInput>, context: HttpContext): Promise<PatientView> {
      const { input } = args;
      const response = await signedIn<VerifyGuardianshipResponse>(deps, context, (metadata, options, done) =>
        client().verifyGuardianship(
          { requestId: input.requestId, childId: input.childId, guardianId: input.guardianId, method: input.method },
          metadata,
          options,
          done,
        ),
      );
      return patientView(present(response.child, "child"));
    },
  };
}
