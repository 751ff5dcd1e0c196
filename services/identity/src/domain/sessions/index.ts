export type {
  AccountCommand,
  ClaimLoginName,
  Login,
  OpenAccount,
  SetPassword,
  StepUpCommand,
  TouchSession,
} from "./commands.js";
export { accountDecider, loginNameDecider, NO_ACCOUNT } from "./decider.js";
export type { AccountState, LoginNameState } from "./decider.js";
export { isAccountEventType } from "./events.js";
export type {
  AccountEvent,
  AccountLocked,
  AccountOpened,
  LoggedIn,
  LoginFailed,
  LoginNameClaimed,
  PasswordSet,
  SessionActive,
  SteppedUp,
} from "./events.js";
export {
  freshStepUp,
  isLocked,
  normalizeLoginName,
  requireConsultId,
  requireCurrentSession,
  requireLoginName,
  requirePassword,
} from "./rules.js";
export { ACCOUNT_KINDS, CLINICAL_OBJECT_KINDS, STEP_UP_METHODS } from "./types.js";
export type { Account, AccountKind, ClinicalObject, ClinicalObjectKind, Session, SessionPolicy, StepUp, StepUpMethod } from "./types.js";
