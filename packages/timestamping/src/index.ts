export { TIMESTAMP_ERROR_CODES, TimestampError, type TimestampErrorCode } from "./errors.js";
export type { Digest, DigestAlgorithm, TimestampAuthority, TimestampProfile, TimestampToken, VerifiedTimestamp } from "./port.js";
export { checkClockSkew } from "./skew.js";
export { HttpRfc3161Authority, type HttpTsaOptions } from "./rfc3161/httpTsa.js";
export { IN_PROCESS_TSA_POLICY, InProcessTsa, type InProcessTsaOptions } from "./rfc3161/inProcessTsa.js";
export { readTsaCertificate, type TsaCertificate } from "./rfc3161/tsaCertificate.js";
export { verifyRfc3161Token } from "./rfc3161/verify.js";
export { timeStampRequest } from "./rfc3161/request.js";
