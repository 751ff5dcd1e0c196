export type {
  ChangeLicence,
  InstitutionCommand,
  LicenceInput,
  RegisterInstitution,
  SetRegulatorConnection,
} from "./commands.js";
export { institutionDecider } from "./decider.js";
export { INSTITUTION_EVENT_TYPES, isInstitutionEventType } from "./events.js";
export type {
  InstitutionEvent,
  InstitutionRegistered,
  InstitutionRegisteredData,
  LicenceChanged,
  LicenceChangedData,
  RegulatorConnectionChanged,
  RegulatorConnectionChangedData,
} from "./events.js";
export { beijingDay } from "./rules.js";
export { type InstitutionState, UNREGISTERED } from "./state.js";
export { GRADES } from "./types.js";
export type { Grade, Institution, Licence } from "./types.js";
