import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { FaceMatchPort, FaceMatchResult } from "../../application/practitioners/ports.js";

/**
 * A STAND-IN, NOT A FACE RECOGNISER. In the embedded mode a trusted component (a demo kiosk, a test) that did the
 * face comparison signs its result with a local HMAC key; this adapter accepts results signed with that key for
 * the practitioner they name, saying MATCH, issued within the last `maxAgeMs`. A production adapter calls a
 * certified provider (e.g. the public-security real-name service) behind the same port.
 *
 * Evidence: "fm1." + base64url(JSON {sub, result, ref, iat}) + "." + base64url(HMAC-SHA256(key, first two parts)).
 */
const payloadSchema = z.object({
  sub: z.string(),
  result: z.enum(["MATCH", "NO_MATCH"]),
  ref: z.string().min(1).max(100),
  /** Issued at, milliseconds since the epoch. */
  iat: z.number().int(),
});
export type FaceMatchAssertion = z.infer<typeof payloadSchema>;

const PREFIX = "fm1";

export function signFaceMatch(key: Buffer, assertion: FaceMatchAssertion): string {
  const body = `${PREFIX}.${Buffer.from(JSON.stringify(assertion), "utf8").toString("base64url")}`;
  return `${body}.${createHmac("sha256", key).update(body).digest("base64url")}`;
}

export function createOfflineFaceMatch(options: { readonly key: Buffer; readonly maxAgeMs?: number }): FaceMatchPort {
  if (options.key.length < 32) throw new Error("the face-match HMAC key must be at least 32 bytes");
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  const refused: FaceMatchResult = { matched: false };
  return {
    verify({ practitionerId, evidence, now }) {
      const [prefix, payload, mac] = evidence.split(".");
      if (prefix !== PREFIX || payload === undefined || mac === undefined) return Promise.resolve(refused);
      const expected = createHmac("sha256", options.key).update(`${prefix}.${payload}`).digest();
      const given = Buffer.from(mac, "base64url");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return Promise.resolve(refused);
      let assertion: FaceMatchAssertion;
      try {
        assertion = payloadSchema.parse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
      } catch {
        return Promise.resolve(refused);
      }
      const age = now.getTime() - assertion.iat;
      const fresh = age >= -60_000 && age <= maxAgeMs;
      if (assertion.sub !== practitionerId || assertion.result !== "MATCH" || !fresh) return Promise.resolve(refused);
      return Promise.resolve({ matched: true, reference: assertion.ref });
    },
  };
}
