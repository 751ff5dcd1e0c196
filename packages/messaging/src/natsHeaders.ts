import { headers as natsHeaders, type MsgHdrs } from "@nats-io/nats-core";

/** JetStream's de-duplication header; the message id travels in it, so it is not one of the message's headers. */
export const MSG_ID_HEADER = "Nats-Msg-Id";

export function toNatsHeaders(headers: Readonly<Record<string, string>>): MsgHdrs {
  const result = natsHeaders();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== MSG_ID_HEADER.toLowerCase()) result.set(key, value);
  }
  return result;
}

export function fromNatsHeaders(headers: MsgHdrs | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (headers === undefined) return result;
  for (const [key, values] of headers) {
    const value = values[0];
    if (key !== MSG_ID_HEADER && value !== undefined) result[key] = value;
  }
  return result;
}
