import { randomBytes } from "node:crypto";
import * as asn1js from "asn1js";
import { AlgorithmIdentifier, MessageImprint, TimeStampReq, TimeStampResp } from "pkijs";
import { TimestampError } from "../errors.js";
import type { Digest } from "../port.js";
import { OID } from "./oids.js";

/** A positive 64-bit nonce in minimal DER form (first byte 0x01–0x7f), hex. */
export function newNonce(): string {
  const bytes = randomBytes(8);
  bytes[0] = (bytes[0]! % 0x7f) + 1;
  return bytes.toString("hex");
}

/** The DER TimeStampReq (RFC 3161 §2.4.1) for a SHA-256 digest: version 1, nonce, certReq, optional policy. */
export function timeStampRequest(digest: Digest, nonceHex: string, policy?: string): Uint8Array {
  const request = new TimeStampReq({
    version: 1,
    messageImprint: new MessageImprint({
      hashAlgorithm: new AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: new Uint8Array(digest.value) }),
    }),
    nonce: new asn1js.Integer({ valueHex: new Uint8Array(Buffer.from(nonceHex, "hex")) }),
    certReq: true,
    ...(policy === undefined ? {} : { reqPolicy: policy }),
  });
  return new Uint8Array(request.toSchema().toBER());
}

const STATUS_NAMES = ["granted", "grantedWithMods", "rejection", "waiting", "revocationWarning", "revocationNotification"];
const FAILURES: Readonly<Record<number, string>> = {
  0: "badAlg",
  2: "badRequest",
  5: "badDataFormat",
  14: "timeNotAvailable",
  15: "unacceptedPolicy",
  16: "unacceptedExtension",
  17: "addInfoNotAvailable",
  25: "systemFailure",
};

/**
 * Reads a TimeStampResp (§2.4.2). A status other than granted (0) or grantedWithMods (1) is TSA_REJECTED with the
 * status and failure reasons; the token is returned as the exact bytes the TSA sent.
 */
export function timeStampResponseToken(der: Uint8Array): Uint8Array {
  let response: TimeStampResp;
  let tokenBytes: Uint8Array | undefined;
  try {
    response = TimeStampResp.fromBER(der);
    const root = asn1js.fromBER(der).result as asn1js.Sequence;
    tokenBytes = root.valueBlock.value[1]?.valueBeforeDecodeView;
  } catch (error) {
    throw new TimestampError("TSA_UNAVAILABLE", "The TSA's answer is not a TimeStampResp.", { cause: error });
  }
  const status: number = response.status.status;
  if (status !== 0 && status !== 1) {
    const bits = response.status.failInfo?.valueBlock.valueHexView;
    const unused = response.status.failInfo?.valueBlock.unusedBits ?? 0;
    const reasons = bits ? failureNames(bits, unused) : [];
    throw new TimestampError(
      "TSA_REJECTED",
      `The TSA refused the request: ${STATUS_NAMES[status] ?? `status ${status}`}${reasons.length > 0 ? ` (${reasons.join(", ")})` : ""}.`,
    );
  }
  if (tokenBytes === undefined || tokenBytes.byteLength === 0) {
    throw new TimestampError("TSA_UNAVAILABLE", "The TSA granted the request but sent no token.");
  }
  return new Uint8Array(tokenBytes);
}

function failureNames(bits: Uint8Array, unusedBits: number): string[] {
  const names: string[] = [];
  const total = bits.length * 8 - unusedBits;
  for (let bit = 0; bit < total; bit += 1) {
    if ((bits[bit >> 3]! >> (7 - (bit & 7))) & 1) names.push(FAILURES[bit] ?? `bit ${bit}`);
  }
  return names;
}
