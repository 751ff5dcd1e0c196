// @ihp/testing: contract suites every adapter passes, and helpers for tests. Test code only.
export { eventStoreContract, newEvent } from "./eventStoreContract.js";
export type { StoreUnderTest } from "./eventStoreContract.js";
export { given } from "./given.js";
export { busContract } from "./busContract.js";
export type { BusTestScope, BusUnderTest } from "./busContract.js";
export { findNatsServer, freePort, sharedNatsUrl, startNatsServer } from "./natsServer.js";
export type { NatsServerHandle } from "./natsServer.js";
export { waitFor } from "./waitFor.js";
export { filesContaining } from "./canary.js";
export { documentedErrors, errorTableRows } from "./errorsDoc.js";
export type { ErrorRow } from "./errorsDoc.js";
export { writeTransitKeyFile } from "./transitKeyFile.js";
export { writeWeekendOnlyCalendarFile } from "./workingDayCalendar.js";
export { RegulatorSimulator } from "./regulatorSimulator.js";
export type { RegulatorSimulatorOptions, SimulatorFault, SimulatorRecord, SimulatorRequest, SimulatorStats } from "./regulatorSimulator.js";
export { cbor, DEFAULT_ORIGIN, DEFAULT_RP_ID, SoftAuthenticator } from "./softAuthenticator.js";
export type { Bend } from "./softAuthenticator.js";
export { postgresReachable, TEST_DATABASE_URL, testQuery } from "./postgres.js";
