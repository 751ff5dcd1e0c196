import { refusing, type Decider } from "@ihp/eventsourcing";
import { refusal } from "../errors.js";
import type { EnrolSigningKey, RecordSignature, RevokeSigningCertificate, SigningCommand } from "./commands.js";
import type { SigningEvent } from "./events.js";
import { activeKey, keyBySerial, requireAlgorithm, requireRevocationReason } from "./rules.js";
import type { SigningKeys } from "./types.js";

type Decision = readonly SigningEvent[];

function enrol(command: EnrolSigningKey, keys: SigningKeys): Decision {
  const { certificate } = command;
  // The CA certifies what it was asked to; a certificate for someone else must never land in this stream.
  if (certificate.subjectId !== command.practitionerId) throw refusal("CERTIFICATE_UNKNOWN");
  requireAlgorithm(certificate.algorithm);
  if (keyBySerial(keys, certificate.serial) !== undefined) return [];
  return [
    {
      type: "SigningKeyEnrolled",
      data: { practitionerId: command.practitionerId, certificate, sealedPrivateKey: command.sealedPrivateKey },
    },
  ];
}

function revoke(command: RevokeSigningCertificate, keys: SigningKeys): Decision {
  const key = keyBySerial(keys, command.serial);
  if (key === undefined) throw refusal("CERTIFICATE_NOT_FOUND");
  const reason = requireRevocationReason(command.reason);
  if (key.revokedAt !== undefined) return [];
  return [
    {
      type: "SigningCertificateRevoked",
      data: { practitionerId: keys.practitionerId, serial: command.serial, reason, revokedAt: command.at.toISOString() },
    },
  ];
}

function record(command: RecordSignature, keys: SigningKeys): Decision {
  const key = activeKey(keys, command.at);
  // The key was chosen on this same state; a revocation in between must not be signed past.
  if (key.certificate.serial !== command.serial) throw refusal("NO_VALID_SIGNING_CERT");
  return [
    {
      type: "DocumentSigned",
      data: {
        practitionerId: keys.practitionerId,
        documentType: command.documentType,
        documentId: command.documentId,
        documentHash: command.documentHash,
        certificateSerial: command.serial,
        algorithm: key.certificate.algorithm,
        value: command.value,
        signedAt: command.at.toISOString(),
      },
    },
  ];
}

function evolve(state: SigningKeys, event: SigningEvent): SigningKeys {
  switch (event.type) {
    case "SigningKeyEnrolled":
      return {
        practitionerId: event.data.practitionerId,
        keys: [...state.keys, { certificate: event.data.certificate, sealedPrivateKey: event.data.sealedPrivateKey, revokedAt: undefined }],
      };
    case "SigningCertificateRevoked":
      return {
        ...state,
        keys: state.keys.map((key) =>
          key.certificate.serial === event.data.serial ? { ...key, revokedAt: event.data.revokedAt } : key,
        ),
      };
    case "DocumentSigned":
      return state;
  }
}

function decide(command: SigningCommand, state: SigningKeys): Decision {
  const keys = state.practitionerId === "" ? { ...state, practitionerId: command.practitionerId } : state;
  switch (command.type) {
    case "EnrolSigningKey":
      return enrol(command, keys);
    case "RevokeSigningCertificate":
      return revoke(command, keys);
    case "RecordSignature":
      return record(command, keys);
  }
}

/** A practitioner's signing keys and signatures (stream identity-signing-<practitionerId>, IDN-09). */
export const signingDecider: Decider<SigningCommand, SigningEvent, SigningKeys> = {
  initialState: { practitionerId: "", keys: [] },
  evolve,
  decide: refusing(decide),
};
