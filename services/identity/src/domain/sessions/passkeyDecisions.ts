import { refusal } from "../errors.js";
import type { IssueChallenge, RegisterPasskey, StepUpCommand } from "./commands.js";
import type { PasskeyRegistered, SteppedUp, WebAuthnChallengeIssued } from "./events.js";
import { counterAdvances, requireChallenge, requirePasskey, requireRecentLogin, secondsAfter } from "./passkeys.js";
import { minutesAfter, requireCurrentSession } from "./rules.js";
import type { Account, ChallengePurpose, ClinicalObject, PendingChallenge, Session } from "./types.js";

/** A challenge for the holder of the current session; a registration one only soon after the password login. */
export function issueChallenge(command: IssueChallenge, account: Account): WebAuthnChallengeIssued[] {
  const session = requireCurrentSession(account, command.sessionId, command.policy, command.at);
  if (command.purpose === "REGISTRATION") requireRecentLogin(session, command.policy.stepUpMinutes, command.at);
  const object = command.purpose === "STEP_UP" ? command.object : undefined;
  if (command.purpose === "STEP_UP" && object === undefined) throw refusal("INVALID_STEP_UP_OBJECT");
  return [
    {
      type: "WebAuthnChallengeIssued",
      data: {
        subjectId: account.subjectId,
        challenge: command.challenge,
        purpose: command.purpose,
        sessionId: session.sessionId,
        ...(object === undefined ? {} : { objectKind: object.kind, objectId: object.id }),
        at: command.at.toISOString(),
        expiresAt: secondsAfter(command.at, command.policy.challengeSeconds),
      },
    },
  ];
}

/** A verified attestation answering a registration challenge of this session adds the passkey, once. */
export function registerPasskey(command: RegisterPasskey, account: Account): PasskeyRegistered[] {
  const session = requireCurrentSession(account, command.sessionId, command.policy, command.at);
  requireRecentLogin(session, command.policy.stepUpMinutes, command.at);
  requireChallenge(account, command.challenge, { purpose: "REGISTRATION", session }, command.at);
  if (account.passkeys.some((passkey) => passkey.credentialId === command.credentialId)) throw refusal("PASSKEY_ALREADY_REGISTERED");
  const { credentialId, publicKey, counter, challenge } = command;
  return [
    {
      type: "PasskeyRegistered",
      data: { subjectId: account.subjectId, credentialId, publicKey, counter, challenge, sessionId: session.sessionId, at: command.at.toISOString() },
    },
  ];
}

/**
 * IDN-03: a step-up by passkey is decided again on the account as it is when it is appended: the challenge still
 * unused (two answers to one challenge: the second is a replay) and the counter still moving forward.
 */
export function passkeyStepUp(command: StepUpCommand, account: Account, session: Session): SteppedUp[] {
  const { assertion } = command;
  if (assertion === undefined || !command.confirmed) throw refusal("WEBAUTHN_SIGNATURE_INVALID");
  requireChallenge(account, assertion.challenge, { purpose: "STEP_UP", session, object: command.object }, command.at);
  const passkey = requirePasskey(account, assertion.credentialId);
  if (!counterAdvances(passkey.counter, assertion.counter)) throw refusal("WEBAUTHN_COUNTER_REGRESSED");
  return [steppedUp(command, account, session)];
}

export function steppedUp(command: StepUpCommand, account: Account, session: Session): SteppedUp {
  const { assertion } = command;
  return {
    type: "SteppedUp",
    data: {
      subjectId: account.subjectId,
      stepUpId: command.stepUpId,
      sessionId: session.sessionId,
      consultId: command.object.id,
      objectKind: command.object.kind,
      method: command.method,
      at: command.at.toISOString(),
      expiresAt: minutesAfter(command.at, command.policy.stepUpMinutes),
      ...(assertion === undefined ? {} : { credentialId: assertion.credentialId, challenge: assertion.challenge, counter: assertion.counter }),
    },
  };
}

/** The account after a challenge was issued: expired challenges are dropped as new ones come. */
export function withChallenge(account: Account, event: WebAuthnChallengeIssued): Account {
  const { challenge, purpose, sessionId, objectKind, objectId, at, expiresAt } = event.data;
  const object: ClinicalObject | undefined = objectKind === undefined || objectId === undefined ? undefined : { kind: objectKind, id: objectId };
  const used = account.passkeys.some((passkey) => passkey.challenge === challenge);
  const issued: PendingChallenge = { challenge, purpose: purpose satisfies ChallengePurpose, sessionId, object, expiresAt, used };
  return { ...account, challenges: [...account.challenges.filter((old) => old.expiresAt > at), issued] };
}

export function withChallengeUsed(account: Account, challenge: string | undefined): Account {
  if (challenge === undefined) return account;
  return { ...account, challenges: account.challenges.map((issued) => (issued.challenge === challenge ? { ...issued, used: true } : issued)) };
}

export function withPasskey(account: Account, event: PasskeyRegistered): Account {
  const { credentialId, publicKey, counter, challenge, at } = event.data;
  return withChallengeUsed({ ...account, passkeys: [...account.passkeys, { credentialId, publicKey, counter, registeredAt: at, challenge }] }, challenge);
}

/** After a passkey step-up: its challenge is used and the credential's counter is the one it presented. */
export function withPasskeyStepUp(account: Account, data: SteppedUp["data"]): Account {
  if (data.credentialId === undefined) return account;
  return withChallengeUsed(withCounter(account, data.credentialId, data.counter ?? 0), data.challenge);
}

/** A credential's counter as last seen: it only moves forward, whichever stream told it first. */
export function withCounter(account: Account, credentialId: string, counter: number): Account {
  const passkeys = account.passkeys.map((passkey) => (passkey.credentialId === credentialId && counter > passkey.counter ? { ...passkey, counter } : passkey));
  return { ...account, passkeys };
}
