import { randomBytes } from "node:crypto";
import type { AuditTrail } from "@ihp/platform";
import { generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse } from "@simplewebauthn/server";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { refusal } from "../../domain/errors.js";
import {
  type Account,
  type ChallengePurpose,
  checkAssertion,
  type ClinicalObject,
  type PasskeyAssertion,
  requireChallenge,
  requireConsultId,
  requireCurrentSession,
  requirePasskey,
  type SessionPolicy,
} from "../../domain/sessions/index.js";
import type { Caller } from "../caller.js";
import { requireRequestId } from "../ids.js";
import { recordingRefusals } from "../refusals.js";
import { type AccountRead, runAccountCommand } from "./accountStreams.js";
import { requireClinicalObject } from "./accounts.js";
import { type HolderDeps, stepUpHolder } from "./stepUpHolder.js";
import { parseAssertion, parseAttestation, rpIdHashOf } from "./webauthnResponse.js";

/** The relying party (WEBAUTHN_RP_ID, WEBAUTHN_RP_NAME, WEBAUTHN_ORIGINS). */
export interface WebAuthnSettings {
  readonly rpId: string;
  readonly rpName: string;
  readonly origins: readonly string[];
}

export interface PasskeysOptions extends HolderDeps {
  readonly audit: AuditTrail;
  readonly newId: () => string;
  readonly policy: SessionPolicy;
  readonly webauthn: WebAuthnSettings;
}

/** Options for navigator.credentials.create/get, as JSON, and until when the challenge in them may be answered. */
export interface PasskeyChallenge {
  readonly optionsJson: string;
  readonly expiresAt: string;
}

export interface Passkeys {
  /** A registration challenge for the caller's own passkey, soon after their password login. */
  startRegistration(caller: Caller, input: { requestId: string }): Promise<PasskeyChallenge>;
  /** Verifies the authenticator's attestation (user verified) and registers the credential. */
  finishRegistration(caller: Caller, input: { requestId: string; response: string }): Promise<{ credentialId: string }>;
  /**
   * A step-up challenge bound to the session and to one object (IDN-03): a kind and id, or (kind "") a bare consult
   * id. The object is read only once the caller is known to be a clinician who may step up.
   */
  startStepUp(caller: Caller, input: { requestId: string; consultId: string; objectKind: string; objectId: string }): Promise<PasskeyChallenge>;
  /** IDN-03: verifies a step-up assertion for `object`; the refusal's code says what was wrong. Writes nothing. */
  verifyStepUp(account: Account, sessionId: string | undefined, object: ClinicalObject, secret: string, at: Date): Promise<PasskeyAssertion>;
}

/** ES256 and RS256: what platform authenticators (Windows Hello, Android, Apple) and security keys use. */
const ALGORITHMS = [-7, -257];

export function createPasskeys(options: PasskeysOptions): Passkeys {
  const { audit, clock, policy, webauthn } = options;
  const relyingParty = { origins: webauthn.origins, rpIdHash: rpIdHashOf(webauthn.rpId) };

  /**
   * Issues (or, for a repeated request id, finds) the challenge; the options are built around it. Recorded on the
   * session's streams, so the account as the holder check read it (`read`) decides it.
   */
  async function challengeFor(caller: Caller, { account, read }: { account: Account; read: AccountRead }, requestId: string, purpose: ChallengePurpose, object: ClinicalObject | undefined) {
    const fresh = isoBase64URL.fromBuffer(randomBytes(32));
    const command = { type: "IssueChallenge" as const, sessionId: caller.principal.sessionId, challenge: fresh, purpose, object, policy, at: clock() };
    const result = await runAccountCommand(options, caller, caller.principal, account, command, requestId, read);
    const issued = result.events.find((event) => event.type === "WebAuthnChallengeIssued");
    const data = issued?.data as { challenge?: string; expiresAt?: string } | undefined;
    if (data?.challenge === undefined || data.expiresAt === undefined) throw new Error("a challenge request appended no WebAuthnChallengeIssued event");
    return { challenge: isoBase64URL.toBuffer(data.challenge), expiresAt: data.expiresAt };
  }

  const timeout = policy.challengeSeconds * 1000;

  return {
    startRegistration(caller, input) {
      return recordingRefusals(audit, caller, "StartPasskeyRegistration", `account/${caller.principal.subject}`, async () => {
        const requestId = requireRequestId(input.requestId);
        const holder = await stepUpHolder(options, caller);
        const { account } = holder;
        const { challenge, expiresAt } = await challengeFor(caller, holder, requestId, "REGISTRATION", undefined);
        const created = await generateRegistrationOptions({
          rpName: webauthn.rpName,
          rpID: webauthn.rpId,
          // The subject id, not a name: the platform keeps no login name in clear.
          userName: account.subjectId,
          userID: new TextEncoder().encode(account.subjectId),
          challenge,
          timeout,
          attestationType: "none",
          excludeCredentials: account.passkeys.map((passkey) => ({ id: passkey.credentialId })),
          authenticatorSelection: { residentKey: "preferred", userVerification: "required" },
          supportedAlgorithmIDs: ALGORITHMS,
        });
        return { optionsJson: JSON.stringify(created), expiresAt };
      });
    },

    finishRegistration(caller, input) {
      return recordingRefusals(audit, caller, "FinishPasskeyRegistration", `account/${caller.principal.subject}`, async () => {
        const requestId = requireRequestId(input.requestId);
        const { account } = await stepUpHolder(options, caller);
        const now = clock();
        const { facts, response } = parseAttestation(input.response);
        const session = requireCurrentSession(account, caller.principal.sessionId, policy, now);
        requireChallenge(account, facts.challenge, { purpose: "REGISTRATION", session }, now);
        if (facts.type !== "webauthn.create") throw refusal("WEBAUTHN_RESPONSE_INVALID");
        if (!relyingParty.origins.includes(facts.origin)) throw refusal("WEBAUTHN_ORIGIN_MISMATCH");
        if (facts.rpIdHash !== relyingParty.rpIdHash) throw refusal("WEBAUTHN_RP_ID_MISMATCH");
        if (!facts.userPresent || !facts.userVerified) throw refusal("WEBAUTHN_USER_NOT_VERIFIED");
        const verified = await verifyRegistrationResponse({
          response,
          expectedChallenge: facts.challenge,
          expectedOrigin: [...webauthn.origins],
          expectedRPID: webauthn.rpId,
          requireUserVerification: true,
          supportedAlgorithmIDs: ALGORITHMS,
        }).catch(() => undefined);
        if (verified?.verified !== true) throw refusal("WEBAUTHN_SIGNATURE_INVALID");
        const { credential } = verified.registrationInfo;
        const command = {
          type: "RegisterPasskey" as const,
          sessionId: caller.principal.sessionId,
          challenge: facts.challenge,
          credentialId: credential.id,
          publicKey: isoBase64URL.fromBuffer(credential.publicKey),
          counter: credential.counter,
          policy,
          at: now,
        };
        await runAccountCommand(options, caller, caller.principal, account, command, requestId);
        return { credentialId: credential.id };
      });
    },

    startStepUp(caller, input) {
      return recordingRefusals(audit, caller, "StartStepUp", `account/${caller.principal.subject}`, async () => {
        const holder = await stepUpHolder(options, caller);
        const { account } = holder;
        const requestId = requireRequestId(input.requestId);
        const object = input.objectKind === "" ? { kind: "CONSULT" as const, id: requireConsultId(input.consultId) } : requireClinicalObject(input.objectKind, input.objectId);
        if (account.passkeys.length === 0) throw refusal("PASSKEY_NOT_REGISTERED");
        const { challenge, expiresAt } = await challengeFor(caller, holder, requestId, "STEP_UP", object);
        const requested = await generateAuthenticationOptions({
          rpID: webauthn.rpId,
          allowCredentials: account.passkeys.map((passkey) => ({ id: passkey.credentialId })),
          challenge,
          timeout,
          userVerification: "required",
        });
        return { optionsJson: JSON.stringify(requested), expiresAt };
      });
    },

    async verifyStepUp(account, sessionId, object, secret, at) {
      const { credentialId, facts, response } = parseAssertion(secret);
      const session = requireCurrentSession(account, sessionId, policy, at);
      requireChallenge(account, facts.challenge, { purpose: "STEP_UP", session, object }, at);
      const passkey = requirePasskey(account, credentialId);
      checkAssertion(facts, relyingParty, passkey);
      const verified = await verifyAuthenticationResponse({
        response,
        expectedChallenge: facts.challenge,
        expectedOrigin: [...webauthn.origins],
        expectedRPID: webauthn.rpId,
        credential: { id: passkey.credentialId, publicKey: isoBase64URL.toBuffer(passkey.publicKey), counter: passkey.counter },
        requireUserVerification: true,
      }).catch(() => undefined);
      if (verified?.verified !== true) throw refusal("WEBAUTHN_SIGNATURE_INVALID");
      return { credentialId, challenge: facts.challenge, counter: verified.authenticationInfo.newCounter };
    },
  };
}
