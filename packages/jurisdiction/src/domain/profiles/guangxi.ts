import type { SettingsOverride } from "../types.js";

/** Guangxi IH measures (draft) and its appendix, the Guangxi IH basic standard. */
export const GUANGXI_2026_01_01: SettingsOverride = {
  // CON-04: art. 28 "患者需要提供1个月内实体医疗机构诊断…的就诊病历资料"; one calendar month (Civil Code art. 202),
  // the reading REQUIREMENTS CON-04 tests, rather than §9's alternative of 30 days.
  priorRecordWindow: { kind: "calendarMonths", months: 1 },
  // RX-04: arts. 5, 29 also ban "其他用药风险较高、有其他特殊管理规定的药品". The texts name no drugs: the list is
  // empty until the regional health commission or the hospital's pharmacy committee supplies one (README).
  extraHighRiskDrugs: { kind: "list", drugCodes: [] },
  // PHA-02: basic standard §4(3) lets a qualified third party's pharmacists review when the hospital's are too few;
  // the national default (in-house or contracted) already allows it, so it is not overridden.
  // XC-04: basic standard §5(1) "存储医疗数据的服务器必须部署在广西区内".
  dataResidency: { allowedAreas: ["CN-GX"] },
};
