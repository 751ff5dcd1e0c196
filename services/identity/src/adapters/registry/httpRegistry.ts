import { z } from "zod";
import type { RegistryAnswer, RegistryPort, RegistryQuery } from "../../application/practitioners/ports.js";

export interface HttpRegistryOptions {
  /** Base URL of the registry gateway, e.g. https://registry.example.gov.cn/api. */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Per-lookup deadline; default 5 s. */
  readonly timeoutMs?: number;
}

const answerSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("REGISTERED"), eLicenceReference: z.string().max(100) }),
  z.object({ status: z.enum(["NOT_FOUND", "SUSPENDED", "MISMATCH"]) }),
]);

/**
 * The national e-registration system over HTTPS. No public API of the registry was available to build against, so
 * the wire format is this platform's own (README): POST <url>/practitioners/lookup with the client credentials as
 * HTTP Basic authentication and a JSON body {profession, licenceNumber, name, idNumber}; the answer is
 * {status: REGISTERED | NOT_FOUND | SUSPENDED | MISMATCH, eLicenceReference}. A production connector adapts the
 * real interface to this port. Anything else — network error, timeout, non-2xx, unexpected body — throws.
 */
export function createHttpRegistry(options: HttpRegistryOptions): RegistryPort {
  const endpoint = new URL("practitioners/lookup", options.url.endsWith("/") ? options.url : `${options.url}/`);
  const authorization = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`, "utf8").toString("base64")}`;
  return {
    source: `http:${endpoint.host}`,
    async lookup(query: RegistryQuery): Promise<RegistryAnswer> {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: { authorization, "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(query),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
      if (!response.ok) throw new Error(`registry answered HTTP ${response.status}`);
      return answerSchema.parse(await response.json());
    },
  };
}
