import { TimestampError } from "./errors.js";

/**
 * REC-07: the TSA's time and the local clock may differ by at most `maxSkewMs` (the jurisdiction profile's
 * threshold). Beyond it signing must stop: either clock is wrong, and a record dated by a wrong clock is worse than
 * a record not yet signed.
 */
export function checkClockSkew(genTime: Date, localNow: Date, maxSkewMs: number): void {
  if (!Number.isFinite(maxSkewMs) || maxSkewMs < 0) throw new RangeError("maxSkewMs must be a finite, non-negative number");
  const skew = genTime.getTime() - localNow.getTime();
  if (Math.abs(skew) > maxSkewMs) {
    throw new TimestampError(
      "TIMESTAMP_CLOCK_SKEW",
      `The TSA time ${genTime.toISOString()} differs from the local clock ${localNow.toISOString()} by ${Math.abs(skew)} ms (allowed ${maxSkewMs} ms).`,
    );
  }
}
