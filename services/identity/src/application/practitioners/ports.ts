import type { Profession } from "../../domain/practitioners/index.js";

/** What a registry lookup sends (IDN-01). The ID number travels to the registry only. */
export interface RegistryQuery {
  readonly profession: Profession;
  readonly licenceNumber: string;
  readonly name: string;
  readonly idNumber: string;
}

export type RegistryAnswer =
  | { readonly status: "REGISTERED"; readonly eLicenceReference: string }
  | { readonly status: "NOT_FOUND" | "SUSPENDED" | "MISMATCH" };

/**
 * The national e-registration system (国家医师、护士电子注册系统) and, for pharmacists, the regulator's platform.
 * `lookup` throws when the registry cannot be reached or answers nonsense: the caller records UNAVAILABLE.
 */
export interface RegistryPort {
  /** Recorded on the outcome, e.g. "http:registry.example.gov.cn" or "file:demo". */
  readonly source: string;
  lookup(query: RegistryQuery): Promise<RegistryAnswer>;
}

export type FaceMatchResult = { readonly matched: true; readonly reference: string } | { readonly matched: false };

/** IDN-02: checks a face-match result presented for a practitioner. */
export interface FaceMatchPort {
  verify(input: { readonly practitionerId: string; readonly evidence: string; readonly now: Date }): Promise<FaceMatchResult>;
}
