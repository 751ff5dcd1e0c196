import { type DateInput, type IsoDate, parseIsoDate, toInstant } from "./calendarDate.js";
import { JurisdictionError } from "./errors.js";
import { applyOverride, deepFreeze } from "./merge.js";
import type {
  JurisdictionCode,
  JurisdictionProfile,
  JurisdictionSettings,
  ProfileData,
  RegionalJurisdiction,
} from "./types.js";

export const JURISDICTIONS: readonly JurisdictionCode[] = ["national", "tianjin", "guangxi", "chongqing", "yinchuan"];

export interface ProfileRegistry {
  /** The version in effect at `at`: the latest whose effectiveFrom (00:00 Beijing time) is not after it. */
  profileAt(jurisdiction: JurisdictionCode, at: DateInput): JurisdictionProfile;
  /** Exactly the version a past decision recorded (XC-08). */
  profileByVersion(version: string): JurisdictionProfile;
  /** Every version, by jurisdiction (in JURISDICTIONS order), then oldest first. */
  listProfiles(): readonly JurisdictionProfile[];
}

/**
 * Resolves published data into frozen profiles. A jurisdiction gets a new version whenever its overrides or the
 * national defaults change, so a national change reaches every jurisdiction that does not override it.
 */
export function createProfileRegistry(data: ProfileData): ProfileRegistry {
  const timelines = new Map<JurisdictionCode, readonly TimedProfile[]>();
  timelines.set("national", resolveNational(data));
  for (const jurisdiction of JURISDICTIONS) {
    if (jurisdiction !== "national") timelines.set(jurisdiction, resolveRegional(data, jurisdiction));
  }
  const all = deepFreeze(JURISDICTIONS.flatMap((j) => (timelines.get(j) ?? []).map((t) => t.profile)));
  const byVersion = new Map(all.map((p) => [p.version, p]));

  return {
    profileAt(jurisdiction, at) {
      const timeline = timelines.get(jurisdiction);
      if (!timeline) {
        throw new JurisdictionError("UNKNOWN_JURISDICTION", `unknown jurisdiction "${String(jurisdiction)}"`);
      }
      const instant = toInstant(at, "at");
      let found: JurisdictionProfile | undefined;
      for (const entry of timeline) if (entry.startsAt <= instant) found = entry.profile;
      if (!found) {
        throw new JurisdictionError(
          "NO_PROFILE_IN_EFFECT",
          `no ${jurisdiction} profile is in effect before ${timeline[0]?.profile.effectiveFrom ?? "any date"}`,
          "XC-08",
        );
      }
      return found;
    },
    profileByVersion(version) {
      const profile = byVersion.get(version);
      if (!profile) {
        throw new JurisdictionError("UNKNOWN_PROFILE_VERSION", `unknown profile version "${version}"`, "XC-08");
      }
      return profile;
    },
    listProfiles: () => all,
  };
}

interface TimedProfile {
  readonly startsAt: number;
  readonly profile: JurisdictionProfile;
}

function resolveNational(data: ProfileData): readonly TimedProfile[] {
  checkOrder("national", data.national);
  return data.national.map((v, i) =>
    timed({
      jurisdiction: "national",
      version: versionId("national", v.effectiveFrom, i),
      effectiveFrom: v.effectiveFrom,
      baseVersion: null,
      settings: applyOverride(v.settings, undefined), // a copy, so freezing never touches the source data
    }),
  );
}

function resolveRegional(data: ProfileData, jurisdiction: RegionalJurisdiction): readonly TimedProfile[] {
  const own = data.regional[jurisdiction];
  checkOrder(jurisdiction, own);
  const first = own[0];
  if (!first) return [];
  // A change point is any date on which this jurisdiction's overrides or the national defaults change.
  const dates = [...new Set([...own, ...data.national].map((v) => v.effectiveFrom))]
    .filter((d) => d >= first.effectiveFrom)
    .sort();
  return dates.map((date, i) => {
    const national = latestUpTo(data.national, date, `national (for ${jurisdiction})`);
    const overrides = latestUpTo(own, date, jurisdiction);
    const settings = applyOverride<JurisdictionSettings>(national.settings, overrides.overrides);
    const baseVersion = versionId("national", national.effectiveFrom, data.national.indexOf(national));
    const version = versionId(jurisdiction, date, i);
    return timed({ jurisdiction, version, effectiveFrom: date, baseVersion, settings });
  });
}

type Dated = { readonly effectiveFrom: IsoDate };

function latestUpTo<V extends Dated>(versions: readonly V[], date: IsoDate, who: string): V {
  const found = versions.filter((v) => v.effectiveFrom <= date).at(-1);
  if (!found) throw new JurisdictionError("INVALID_PROFILE_DATA", `${who}: no version in effect on ${date}`);
  return found;
}

function checkOrder(who: string, versions: readonly Dated[]): void {
  versions.forEach((v, i) => {
    if (!parseIsoDate(v.effectiveFrom)) {
      throw new JurisdictionError("INVALID_PROFILE_DATA", `${who}: bad effectiveFrom "${v.effectiveFrom}"`);
    }
    const previous = versions[i - 1];
    if (previous && previous.effectiveFrom >= v.effectiveFrom) {
      throw new JurisdictionError("INVALID_PROFILE_DATA", `${who}: effectiveFrom must strictly increase`);
    }
  });
}

function versionId(jurisdiction: JurisdictionCode, effectiveFrom: IsoDate, index: number): string {
  return `${jurisdiction}@${effectiveFrom}#${index + 1}`;
}

function timed(profile: JurisdictionProfile): TimedProfile {
  return { startsAt: toInstant(profile.effectiveFrom, "effectiveFrom"), profile };
}
