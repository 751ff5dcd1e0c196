/**
 * Every published profile version and the SHA-256 of its content (test/support/fingerprint.ts). Decisions record
 * these versions and replay them (XC-08), so an entry may never change or disappear: publish a change as a new
 * version with a later effectiveFrom and append its line here.
 */
export const PUBLISHED_VERSIONS: readonly { readonly version: string; readonly sha256: string }[] = [
  { version: "national@2026-01-01#1", sha256: "b6bd71e9ec1a178a5151ae2e23507884b911cc23d4bacf7a87808b287ae62d24" },
  { version: "tianjin@2026-01-01#1", sha256: "691426346b17b619e799f82f1a4e29460e7d8d5dccf76f5fca9f8cb875debd08" },
  { version: "guangxi@2026-01-01#1", sha256: "db260b7a5f50f64f8b09af6d1b37ea87ac89e9c94bdcefdc2646e150759c73ea" },
  { version: "chongqing@2026-01-01#1", sha256: "6104c2cdd25a9ebb3471c6b7d433f5825a6e78c42a6219021dead32dff5c7d71" },
  { version: "yinchuan@2026-01-01#1", sha256: "b72714d10c38d760d45aa91a63f14526b1e5b7161135ab180248e559e9206ec8" },
];
