import type { SettingsOverride } from "../types.js";

/** Chongqing pilot notice (渝卫发〔2019〕49号). */
export const CHONGQING_2026_01_01: SettingsOverride = {
  // XC-04: §3(5) "存储医疗数据的服务器不得存放在重庆市外".
  dataResidency: { allowedAreas: ["CN-CQ"] },
};
