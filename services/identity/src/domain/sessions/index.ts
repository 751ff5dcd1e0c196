export type {
  AccountCommand,
  ClaimLoginName,
  IssueChallenge,
  PasskeyAssertion,
  RegisterPasskey,
  Login,
  OpenAccount,
  SetPassword,
  StepUpCommand,
  TouchSession,
} from "./commands.js";
export { accountDecider, loginNameDecider, NO_ACCOUNT } from "./decider.js";
export { passkeyCounterDecider } from "./passkeyCounter.js";
export type { PasskeyCounterState, RecordPasskeyUse } from "./passkeyCounter.js";
export type { AccountState, LoginNameState } from "./decider.js";
export { isAccountEventType } from "./events.js";
export type {
  AccountEvent,
  AccountLocked,
  AccountOpened,
  LoggedIn,
  LoginFailed,
  LoginNameClaimed,
  PasskeyRegistered,
  PasskeyUsed,
  PasswordSet,
  SessionActive,
  SteppedUp,
  WebAuthnChallengeIssued,
} from "./events.js";
export { checkAssertion, counterAdvances, requireChallenge, requirePasskey } from "./passkeys.js";
export type { AssertionFacts, RelyingParty } from "./passkeys.js";
export { factorOf, requireAcceptedFactor } from "./stepUpFactors.js";
export {
  freshStepUp,
  isLocked,
  normalizeLoginName,
  requireConsultId,
  requireCurrentSession,
  requireLoginName,
  requirePassword,
} from "./rules.js";
export { ACCOUNT_KINDS, CHALLENGE_PURPOSES, CLINICAL_OBJECT_KINDS, STEP_UP_METHODS } from "./types.js";
export type {
  Account,
  AccountKind,
  ChallengePurpose,
  ClinicalObject,
  ClinicalObjectKind,
  Passkey,
  PendingChallenge,
  Session,
  SessionPolicy,
  StepUp,
  StepUpMethod,
} from "./types.js";
