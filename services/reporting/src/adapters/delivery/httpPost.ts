import { RegulatorUnreachable } from "../../application/delivery/regulatorAdapter.js";

/** Where and how an HTTP adapter reaches its regulator (from the delivery configuration). */
export interface HttpEndpoint {
  readonly url: string;
  /** Bearer credential the regulator issued to us; sent as Authorization. */
  readonly credential: string;
  readonly timeoutMs: number;
}

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

/**
 * One POST to the regulator. Timeouts and connection failures throw RegulatorUnreachable with a code
 * (REGULATOR_TIMEOUT, REGULATOR_CONNECTION_FAILED); an HTTP status is returned for the adapter to judge.
 */
export async function httpPost(endpoint: HttpEndpoint, path: string, body: string, contentType: string): Promise<HttpAnswer> {
  try {
    const response = await fetch(new URL(path, endpoint.url), {
      method: "POST",
      headers: { "content-type": contentType, authorization: `Bearer ${endpoint.credential}` },
      body,
      signal: AbortSignal.timeout(endpoint.timeoutMs),
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) throw new RegulatorUnreachable("REGULATOR_TIMEOUT");
    throw new RegulatorUnreachable("REGULATOR_CONNECTION_FAILED");
  }
}

/** The failure code of a non-2xx answer. */
export function statusFailure(status: number): string {
  return status >= 500 ? "REGULATOR_SERVER_ERROR" : status === 401 || status === 403 ? "REGULATOR_CREDENTIAL_REJECTED" : "REGULATOR_REJECTED";
}
