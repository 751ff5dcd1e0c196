/**
 * Errors of trusted timestamping. Messages name the TSA (its URL), statuses, times and serial numbers, never the
 * document: a timestamp request carries only a digest. ERRORS.md lists every code (a test keeps the two in sync).
 */
export const TIMESTAMP_ERROR_CODES = [
  "TIMESTAMP_DIGEST_INVALID",
  "TIMESTAMP_DIGEST_UNSUPPORTED",
  "TSA_CERTIFICATE_INVALID",
  "TSA_UNAVAILABLE",
  "TSA_REJECTED",
  "TIMESTAMP_TOKEN_INVALID",
  "TIMESTAMP_MISMATCH",
  "TIMESTAMP_CLOCK_SKEW",
] as const;

export type TimestampErrorCode = (typeof TIMESTAMP_ERROR_CODES)[number];

export class TimestampError extends Error {
  override readonly name = "TimestampError";
  constructor(
    readonly code: TimestampErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
