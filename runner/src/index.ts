// @ihp/runner: the embedded mode's composition root, for npm start and end-to-end tests.
export { demoActors, seedDemo } from "./demoSeed.js";
export type { SeedOptions } from "./demoSeed.js";
export {
  beijingDate,
  completeFollowUp,
  FlowError,
  loginAs,
  must,
  onboardStaff,
  prescribeForReview,
  registerPatient,
  residentId,
  runClinicalFlow,
  startFollowUp,
} from "./clinicalFlow.js";
export { registerPasskey, stepUp } from "./passkeySteps.js";
export type { DemoPatient, FlowActors, FlowResult, Staff, StaffPasskeys } from "./clinicalFlow.js";
export type { DemoSeed } from "./demoSeed.js";
export { startEmbeddedPlatform } from "./embedded.js";
export type { EmbeddedOptions, EmbeddedPlatform, ServiceName } from "./embedded.js";
export { graphql } from "./graphqlClient.js";
export type { GraphqlResponse } from "./graphqlClient.js";
export { awaitDraftRecord, completeRecord, RECORD_FIELDS, seedSignedRecord, signRecord } from "./recordFlow.js";
export type { RecordView } from "./recordFlow.js";
