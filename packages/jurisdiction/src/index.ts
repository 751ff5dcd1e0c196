// @ihp/jurisdiction: versioned, effective-dated jurisdiction profiles (REQUIREMENTS §9, XC-08) and the pure rules
// that read them. No I/O, no clock: every date is an argument.
export type { DateInput, IsoDate } from "./domain/calendarDate.js";
export {
  addCalendarMonths,
  addCalendarYears,
  beijingClock,
  beijingDay,
  daysBetween,
  isIsoDate,
  isRecordDate,
} from "./domain/calendarDate.js";
export { JurisdictionError } from "./domain/errors.js";
export type { JurisdictionErrorCode, JurisdictionErrorKind } from "./domain/errors.js";
export type {
  AgeCompletion,
  BigDataExportRecordType,
  ExtraHighRiskDrugs,
  JurisdictionCode,
  JurisdictionProfile,
  JurisdictionSettings,
  LongTermExcludedDrugClass,
  NationalVersion,
  OverrideVersion,
  PrescriptionRetentionClass,
  PriorRecordWindow,
  ProfileData,
  RegionalJurisdiction,
  ResidencyArea,
  RetentionSettings,
  ReviewerAffiliation,
  SettingsOverride,
  SpecialManagementDrugClass,
  StepUpFactor,
} from "./domain/types.js";
export { stepUpFactors } from "./domain/stepUpFactors.js";
export { JURISDICTIONS, createProfileRegistry } from "./domain/registry.js";
export type { ProfileRegistry } from "./domain/registry.js";
export { listProfiles, profileAt, profileByVersion } from "./domain/lookup.js";
export { PROFILE_DATA } from "./domain/profiles/profileData.js";
export { isWithinPriorRecordWindow, priorRecordWindowStart } from "./domain/priorRecordWindow.js";
export { ageParts, completedYears, requiresGuardian } from "./domain/age.js";
export { prescriptionLastValidDay } from "./domain/prescriptionValidity.js";
export { isRetentionOver, retentionUntil, retentionYears } from "./domain/retention.js";
export type { RetentionClass } from "./domain/retention.js";
export { isStorageRegionAllowed } from "./domain/residency.js";
export { addWorkingDays, combineCalendars, isWorkingDay } from "./domain/workingDays.js";
export type { WorkingDayCalendar } from "./domain/workingDays.js";
export { CN_WORKING_DAYS, cnWorkingDays, parseWorkingDayCalendars } from "./domain/calendars/cn.js";
export { CN_2026 } from "./domain/calendars/cn2026.js";
