import { createHash } from "node:crypto";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { decodeAttestationObject, decodeClientDataJSON, isoBase64URL, parseAuthenticatorData } from "@simplewebauthn/server/helpers";
import { refusal } from "../../domain/errors.js";
import type { AssertionFacts } from "../../domain/sessions/index.js";

/** Longest WebAuthn answer read (JSON text): well above any real one, so a huge secret is refused unparsed. */
const MAX_RESPONSE_CHARS = 16_384;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function base64url(value: unknown): string {
  if (typeof value !== "string" || !BASE64URL.test(value)) throw refusal("WEBAUTHN_RESPONSE_INVALID");
  return value;
}

/** The browser's PublicKeyCredential as JSON (toJSON(), or @simplewebauthn/browser), with the fields read here. */
function parseCredential(json: string, fields: readonly string[]): { id: string; response: Record<string, unknown>; raw: Record<string, unknown> } {
  if (json.length === 0 || json.length > MAX_RESPONSE_CHARS) throw refusal("WEBAUTHN_RESPONSE_INVALID");
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw refusal("WEBAUTHN_RESPONSE_INVALID");
  }
  const raw = record(parsed);
  const response = record(raw?.["response"]);
  if (raw === undefined || response === undefined || raw["type"] !== "public-key") throw refusal("WEBAUTHN_RESPONSE_INVALID");
  const id = base64url(raw["id"]);
  if (raw["rawId"] !== id) throw refusal("WEBAUTHN_RESPONSE_INVALID");
  for (const field of fields) base64url(response[field]);
  return { id, response, raw };
}

type Bytes = Parameters<typeof parseAuthenticatorData>[0];

function factsOf(clientDataJSON: string, authenticatorData: Bytes): AssertionFacts {
  try {
    const client = decodeClientDataJSON(clientDataJSON);
    const data = parseAuthenticatorData(authenticatorData);
    return {
      type: String(client.type),
      challenge: String(client.challenge),
      origin: String(client.origin),
      rpIdHash: Buffer.from(data.rpIdHash).toString("hex"),
      userPresent: data.flags.up,
      userVerified: data.flags.uv,
      counter: data.counter,
    };
  } catch {
    throw refusal("WEBAUTHN_RESPONSE_INVALID");
  }
}

export interface ParsedAssertion {
  readonly credentialId: string;
  readonly facts: AssertionFacts;
  readonly response: AuthenticationResponseJSON;
}

/** A step-up's secret: an assertion (navigator.credentials.get) as JSON. WEBAUTHN_RESPONSE_INVALID when unreadable. */
export function parseAssertion(json: string): ParsedAssertion {
  const { id, response, raw } = parseCredential(json, ["clientDataJSON", "authenticatorData", "signature"]);
  const facts = factsOf(String(response["clientDataJSON"]), isoBase64URL.toBuffer(String(response["authenticatorData"])));
  return { credentialId: id, facts, response: raw as unknown as AuthenticationResponseJSON };
}

export interface ParsedAttestation {
  readonly facts: Omit<AssertionFacts, "type"> & { readonly type: string };
  readonly response: RegistrationResponseJSON;
}

/** A registration's answer (navigator.credentials.create) as JSON. */
export function parseAttestation(json: string): ParsedAttestation {
  const { response, raw } = parseCredential(json, ["clientDataJSON", "attestationObject"]);
  let authData: Bytes;
  try {
    authData = decodeAttestationObject(isoBase64URL.toBuffer(String(response["attestationObject"]))).get("authData");
  } catch {
    throw refusal("WEBAUTHN_RESPONSE_INVALID");
  }
  return { facts: factsOf(String(response["clientDataJSON"]), authData), response: raw as unknown as RegistrationResponseJSON };
}

export function rpIdHashOf(rpId: string): string {
  return createHash("sha256").update(rpId, "utf8").digest("hex");
}
