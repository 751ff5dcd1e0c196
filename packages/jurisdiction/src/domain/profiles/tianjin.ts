import type { SettingsOverride } from "../types.js";

/**
 * Tianjin supervision measures (draft): every number it sets is already the national default — 15-year records
 * and 3-year media (art. 21), 7 working days for the licence upload (art. 5) — so nothing is overridden.
 * §9: re-cite from the final 2026 text when it is available.
 */
export const TIANJIN_2026_01_01: SettingsOverride = {};
