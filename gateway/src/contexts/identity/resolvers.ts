import type { GatewayModule } from "../module.js";
import { accessMutations, accessQueries } from "./access.js";
import { passkeyMutations } from "./passkeys.js";
import { patientMutations, patientQueries } from "./patients.js";
import { practitionerMutations, practitionerQueries } from "./practitioners.js";

/**
 * The identity context beyond institutions: practitioners (IDN-01, 02, 04, 05, 06, 10), patients (IDN-07), sign-in
 * and step-up (IDN-03, IDN-08) and e-signatures (IDN-09), on the identity backend's channel.
 */
export const identityModule: GatewayModule = {
  name: "identity",
  schemaFile: new URL("./schema.graphql", import.meta.url),
  resolvers: (deps) => ({
    Query: { ...practitionerQueries(deps), ...patientQueries(deps), ...accessQueries(deps) },
    Mutation: { ...practitionerMutations(deps), ...patientMutations(deps), ...accessMutations(deps), ...passkeyMutations(deps) },
  }),
};
