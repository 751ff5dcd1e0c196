// Public surface of the generated contracts. Generated code lives in src/gen (not committed; `npm run generate`).
export { EventEnvelope, EventMetadata } from "./gen/ihp/common/v1/envelope.js";
export { ErrorDetail } from "./gen/ihp/common/v1/errors.js";
export { PageInfo, PageRequest } from "./gen/ihp/common/v1/paging.js";
