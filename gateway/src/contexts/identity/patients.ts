import { enumValue } from "@ihp/contracts";
import { GuardianRelationship, PatientServiceService, PatientVerificationMethod } from "@ihp/contracts/identity";
import type * as Gql from "../../gen/graphql.js";
import { type HttpContext, present } from "../../http/context.js";
import type { ContextDeps } from "../module.js";
import { anyone, signedIn } from "./calls.js";
import { maskIdNumber, patientView, registerPatientRequest } from "./patientMapping.js";

export function patientQueries(deps: ContextDeps) {
  const client = () => deps.downstream.service("identity", PatientServiceService);
  return {
    async patient(_root, { id }, context) {
      // An unknown id is an error with its NOT_FOUND code, never a silent null (README, "Lookups").
      const response = await client().getPatient({ patientId: id }, await signedIn(deps, context));
      return patientView(present(response.patient, "patient"));
    },
  } satisfies Gql.QueryResolvers<HttpContext>;
}

export function patientMutations(deps: ContextDeps) {
  const client = () => deps.downstream.service("identity", PatientServiceService);
  return {
    async registerPatient(_root, { input }, context) {
      const response = await client().registerPatient(registerPatientRequest(input), await anyone(deps, context));
      return { ...patientView(present(response.patient, "patient")), maskedIdNumber: maskIdNumber(input.idNumber) };
    },

    async verifyPatientIdentity(_root, { input }, context) {
      const method = enumValue(PatientVerificationMethod, "PATIENT_VERIFICATION_METHOD_", input.method);
      const response = await client().verifyPatientIdentity({ ...input, method, evidence: input.evidence ?? undefined }, await signedIn(deps, context));
      return patientView(present(response.patient, "patient"));
    },

    async linkGuardian(_root, { input }, context) {
      const relationship = enumValue(GuardianRelationship, "GUARDIAN_RELATIONSHIP_", input.relationship);
      const response = await client().linkGuardian({ ...input, relationship }, await signedIn(deps, context));
      return patientView(present(response.child, "child"));
    },

    async verifyGuardianship(_root, { input }, context) {
      const response = await client().verifyGuardianship(input, await signedIn(deps, context));
      return patientView(present(response.child, "child"));
    },
  } satisfies Gql.MutationResolvers<HttpContext>;
}
