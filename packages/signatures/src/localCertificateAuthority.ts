import { randomBytes } from "node:crypto";
import { isSignatureAlgorithm, type SignatureAlgorithmName } from "./algorithms.js";
import { encodeBase64, isHex } from "./bytes.js";
import { certificateToBeSigned, type Certificate, type TrustAnchor } from "./certificate.js";
import { CertificateAuthorityError, type CertificateAuthority, type IssueRequest } from "./certificateAuthority.js";
import { assertValidIssueRequest } from "./issueRequest.js";
import { readOrCreateSecretFile } from "./secretFile.js";
import { generateKeyPair, publicKeyOf, signMessage, type KeyPair } from "./signatures.js";

export interface LocalCertificateAuthorityOptions {
  readonly name: string;
  readonly algorithm: SignatureAlgorithmName;
  /** JSON file with the CA key pair, created (mode 0600) on first open; undefined: a fresh in-memory key (tests). */
  readonly keyFile?: string;
  /** Serial numbers; default 16 random bytes as 32 hex characters. */
  readonly newSerial?: () => string;
}

export interface Revocation {
  readonly serial: string;
  readonly reason: string;
  readonly at: string;
}

interface KeyFileContent {
  readonly version: 1;
  readonly algorithm: SignatureAlgorithmName;
  readonly publicKey: string;
  readonly privateKey: string;
}

/**
 * The embedded CA for development, tests and single-node deployments. It signs certificates with its own key and
 * keeps no register of what it issued: the identity service's event log is the record of certificates and their
 * revocation. Revocations are remembered in memory only, for inspection.
 */
export class LocalCertificateAuthority implements CertificateAuthority {
  readonly #keys: KeyPair;
  readonly #newSerial: () => string;
  readonly #revocations = new Map<string, Revocation>();

  private constructor(
    readonly name: string,
    keys: KeyPair,
    newSerial: () => string,
  ) {
    this.#keys = keys;
    this.#newSerial = newSerial;
  }

  static async open(options: LocalCertificateAuthorityOptions): Promise<LocalCertificateAuthority> {
    if (typeof options.name !== "string" || options.name.trim() === "") throw new TypeError("the CA needs a name");
    if (!isSignatureAlgorithm(options.algorithm)) throw new TypeError(`unknown CA algorithm ${String(options.algorithm)}`);
    const keys =
      options.keyFile === undefined ? generateKeyPair(options.algorithm) : await loadKeyFile(options.keyFile, options.algorithm);
    return new LocalCertificateAuthority(options.name, keys, options.newSerial ?? randomSerial);
  }

  issue(request: IssueRequest): Promise<Certificate> {
    try {
      assertValidIssueRequest(request);
      const toBeSigned = {
        version: 1 as const,
        serial: this.#newSerial(),
        subjectId: request.subjectId,
        subjectName: request.subjectName,
        algorithm: request.algorithm,
        publicKey: request.publicKey.toLowerCase(),
        notBefore: request.notBefore.toISOString(),
        notAfter: request.notAfter.toISOString(),
        issuer: this.name,
        issuerAlgorithm: this.#keys.algorithm,
      };
      const signature = signMessage(this.#keys.algorithm, this.#keys.privateKey, certificateToBeSigned(toBeSigned));
      return Promise.resolve({ ...toBeSigned, issuerSignature: encodeBase64(signature) });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  revoke(serial: string, reason: string, at: Date): Promise<void> {
    if (typeof serial !== "string" || serial === "" || Number.isNaN(at.getTime())) {
      return Promise.reject(new CertificateAuthorityError("CA_REQUEST_INVALID", "revocation needs a serial and a valid time"));
    }
    // Idempotent: the first revocation's reason and time stand.
    if (!this.#revocations.has(serial)) this.#revocations.set(serial, { serial, reason, at: at.toISOString() });
    return Promise.resolve();
  }

  /** Revocations received since this instance was opened. */
  revocations(): readonly Revocation[] {
    return [...this.#revocations.values()];
  }

  trustAnchor(): TrustAnchor {
    return { name: this.name, algorithm: this.#keys.algorithm, publicKey: this.#keys.publicKey };
  }
}

function randomSerial(): string {
  return randomBytes(16).toString("hex");
}

async function loadKeyFile(path: string, algorithm: SignatureAlgorithmName): Promise<KeyPair> {
  const bytes = await readOrCreateSecretFile(path, () => {
    const keys = generateKeyPair(algorithm);
    const content: KeyFileContent = { version: 1, algorithm, publicKey: keys.publicKey, privateKey: keys.privateKey };
    return new TextEncoder().encode(`${JSON.stringify(content, null, 2)}\n`);
  });
  const content = parseKeyFile(bytes, path);
  if (content.algorithm !== algorithm) {
    throw new Error(`CA key file ${path} holds an ${content.algorithm} key, but the CA is configured for ${algorithm}`);
  }
  return { algorithm: content.algorithm, publicKey: content.publicKey, privateKey: content.privateKey };
}

function parseKeyFile(bytes: Uint8Array, path: string): KeyFileContent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new Error(`CA key file ${path} is not JSON`, { cause: error });
  }
  const content = parsed as Partial<KeyFileContent> | null;
  if (
    content === null ||
    typeof content !== "object" ||
    content.version !== 1 ||
    !isSignatureAlgorithm(content.algorithm) ||
    !isHex(content.privateKey, 32) ||
    typeof content.publicKey !== "string"
  ) {
    throw new Error(`CA key file ${path} is malformed`);
  }
  // A key pair that does not match would make every certificate unverifiable: fail at start-up instead.
  let derived: string;
  try {
    derived = publicKeyOf(content.algorithm, content.privateKey);
  } catch (error) {
    throw new Error(`CA key file ${path} holds an invalid private key`, { cause: error });
  }
  if (derived !== content.publicKey.toLowerCase()) throw new Error(`CA key file ${path}: public key does not match the private key`);
  return { version: 1, algorithm: content.algorithm, publicKey: derived, privateKey: content.privateKey.toLowerCase() };
}
