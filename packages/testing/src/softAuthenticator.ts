import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";

// A software WebAuthn authenticator for tests and the demo seed: an ES256 (P-256) key made with node:crypto, "none"
// attestation, authenticatorData with the UP and UV flags and a signature counter, clientDataJSON, and the
// PublicKeyCredential JSON a browser's toJSON() gives — so passkey registration and step-up run without a browser.
// It answers what it is asked, and each answer can be bent (no UV, another origin or RP ID, an older counter, another
// challenge) to test the refusals.

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

/** The defaults of the identity service's WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS. */
export const DEFAULT_RP_ID = "localhost";
export const DEFAULT_ORIGIN = "http://localhost:4000";

type Cbor = number | string | Uint8Array | ReadonlyMap<Cbor, Cbor>;

function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  const out = Buffer.alloc(5);
  out[0] = (major << 5) | 26;
  out.writeUInt32BE(length, 1);
  return out;
}

/** The CBOR subset WebAuthn needs (RFC 8949): integers, byte and text strings, maps. */
export function cbor(value: Cbor): Buffer {
  if (typeof value === "number") return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === "string") {
    const text = Buffer.from(value, "utf8");
    return Buffer.concat([head(3, text.length), text]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64url");
const sha256 = (data: Uint8Array | string): Buffer => createHash("sha256").update(data).digest();

/** A SoftAuthenticator as plain data (see `export`). */
export interface SoftAuthenticatorState {
  readonly credentialId: string;
  readonly rpId: string;
  readonly origin: string;
  /** PKCS#8 PEM of the device's P-256 key. */
  readonly privateKeyPem: string;
  readonly counter: number;
}

/** What an answer may be bent in, to test a refusal. */
export interface Bend {
  /** User verified (biometric/PIN): default true. */
  readonly userVerified?: boolean;
  readonly userPresent?: boolean;
  readonly origin?: string;
  readonly rpId?: string;
  /** The counter to present instead of the next one (the authenticator's own counter does not move). */
  readonly counter?: number;
  /** Sign another challenge than the one asked. */
  readonly challenge?: string;
  /** Present this credential id instead of the authenticator's own (signing with its own key). */
  readonly credentialId?: string;
}

export class SoftAuthenticator {
  readonly credentialId: string;
  readonly rpId: string;
  readonly origin: string;
  private readonly privateKey: KeyObject;
  private readonly coseKey: Buffer;
  private counter = 0;

  constructor(options: { rpId?: string; origin?: string } = {}, state?: SoftAuthenticatorState) {
    this.rpId = state?.rpId ?? options.rpId ?? DEFAULT_RP_ID;
    this.origin = state?.origin ?? options.origin ?? DEFAULT_ORIGIN;
    this.credentialId = state?.credentialId ?? b64url(randomBytes(16));
    this.privateKey = state === undefined ? generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey : createPrivateKey(state.privateKeyPem);
    this.counter = state?.counter ?? 0;
    const jwk = createPublicKey(this.privateKey).export({ format: "jwk" });
    const coordinate = (text: string | undefined): Buffer => Buffer.from(text ?? "", "base64url");
    // COSE_Key (RFC 9053): kty EC2, alg ES256, crv P-256, x, y.
    this.coseKey = cbor(new Map<Cbor, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, coordinate(jwk.x)], [-3, coordinate(jwk.y)]]));
  }

  /**
   * The whole device as plain data (its private key included), for handing it to another process — the bench's load
   * generator — which carries on with `SoftAuthenticator.restore`. Only the copy in use may assert afterwards: two
   * copies would present the same counters, which the relying party refuses as a cloned authenticator.
   */
  export(): SoftAuthenticatorState {
    const privateKeyPem = this.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    return { credentialId: this.credentialId, rpId: this.rpId, origin: this.origin, privateKeyPem, counter: this.counter };
  }

  static restore(state: SoftAuthenticatorState): SoftAuthenticator {
    return new SoftAuthenticator({}, state);
  }

  /** The signature counter the next assertion will present. */
  get nextCounter(): number {
    return this.counter + 1;
  }

  private clientData(type: string, challenge: string, bend: Bend): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: bend.origin ?? this.origin, crossOrigin: false }), "utf8");
  }

  private authenticatorData(bend: Bend, counter: number, attested?: Buffer): Buffer {
    const flags = (bend.userPresent === false ? 0 : FLAG_UP) | (bend.userVerified === false ? 0 : FLAG_UV) | (attested === undefined ? 0 : FLAG_AT);
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter, 0);
    return Buffer.concat([sha256(bend.rpId ?? this.rpId), Buffer.from([flags]), count, ...(attested === undefined ? [] : [attested])]);
  }

  /** navigator.credentials.create(): answers PublicKeyCredentialCreationOptionsJSON, as RegistrationResponseJSON text. */
  register(optionsJson: string, bend: Bend = {}): string {
    const options = JSON.parse(optionsJson) as { challenge: string };
    const id = Buffer.from(this.credentialId, "base64url");
    const length = Buffer.alloc(2);
    length.writeUInt16BE(id.length, 0);
    const attested = Buffer.concat([Buffer.alloc(16), length, id, this.coseKey]);
    const authData = this.authenticatorData(bend, this.counter, attested);
    const attestationObject = cbor(new Map<Cbor, Cbor>([["fmt", "none"], ["attStmt", new Map()], ["authData", authData]]));
    const clientDataJSON = this.clientData("webauthn.create", bend.challenge ?? options.challenge, bend);
    return JSON.stringify({
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ["internal"] },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    });
  }

  /** navigator.credentials.get(): answers PublicKeyCredentialRequestOptionsJSON, as AuthenticationResponseJSON text. */
  assert(optionsJson: string, bend: Bend = {}): string {
    const options = JSON.parse(optionsJson) as { challenge: string };
    let counter = bend.counter;
    if (counter === undefined) {
      this.counter += 1;
      counter = this.counter;
    }
    const authData = this.authenticatorData(bend, counter);
    const clientDataJSON = this.clientData("webauthn.get", bend.challenge ?? options.challenge, bend);
    // WebAuthn §6.3.3: the signature is over authenticatorData || SHA-256(clientDataJSON); ES256 signatures are DER.
    const signature = sign("sha256", Buffer.concat([authData, sha256(clientDataJSON)]), this.privateKey);
    const id = bend.credentialId ?? this.credentialId;
    return JSON.stringify({
      id,
      rawId: id,
      type: "public-key",
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature) },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    });
  }
}
