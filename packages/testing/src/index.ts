// @ihp/testing: contract suites every adapter passes, and helpers for tests. Test code only.
export { eventStoreContract, newEvent } from "./eventStoreContract.js";
export type { StoreUnderTest } from "./eventStoreContract.js";
export { given } from "./given.js";
