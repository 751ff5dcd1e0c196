import type { JurisdictionProfile, ResidencyArea } from "./types.js";

// Hong Kong, Macao and Taiwan have ISO 3166-2:CN codes but are outside the mainland: data there is 境外.
const OUTSIDE_MAINLAND = new Set(["CN-HK", "CN-MO", "CN-TW"]);

/**
 * XC-04: whether storage or a backup located in `region` (an ISO 3166-2 code such as "CN-GX", or "CN" for
 * somewhere in mainland China) is allowed. Adapters map their provider's region names to these codes and refuse to
 * start when this returns false. An unknown province ("CN") is not enough for an in-province rule.
 */
export function isStorageRegionAllowed(profile: JurisdictionProfile, region: string): boolean {
  const code = region.trim().toUpperCase();
  return profile.settings.dataResidency.allowedAreas.some((area) => covers(area, code));
}

function covers(area: ResidencyArea, code: string): boolean {
  if (area === "CN-mainland") return code === "CN" || (/^CN-[A-Z]{2}$/.test(code) && !OUTSIDE_MAINLAND.has(code));
  return code === area;
}
