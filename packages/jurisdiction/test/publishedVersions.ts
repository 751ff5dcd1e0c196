/**
 * Every published profile version and the SHA-256 of its content (test/support/fingerprint.ts). Decisions record
 * these versions and replay them (XC-08), so an entry may never change or disappear: publish a change as a new
 * version with a later effectiveFrom and append its line here.
 */
export const PUBLISHED_VERSIONS: readonly { readonly version: string; readonly sha256: string }[] = [
  { version: "national@2026-01-01#1", sha256: "b6bd71e9ec1a178a5151ae2e23507884b911cc23d4bacf7a87808b287ae62d24" },
  { version: "national@2026-12-08#2", sha256: "d27ca7e1e41fb677754c7088d7b38bbc4b1a59b78e6209df7776dd65e8f53f7f" },
  { version: "tianjin@2026-01-01#1", sha256: "691426346b17b619e799f82f1a4e29460e7d8d5dccf76f5fca9f8cb875debd08" },
  { version: "tianjin@2026-12-08#2", sha256: "59c20ce3507f964f903075573fbfa5fbabcfb20a987e45f4cc4a98e9bd894da5" },
  { version: "guangxi@2026-01-01#1", sha256: "db260b7a5f50f64f8b09af6d1b37ea87ac89e9c94bdcefdc2646e150759c73ea" },
  { version: "guangxi@2026-12-08#2", sha256: "5e55af92380c6d575d3b1bbeb30b4cb0b70da5674ccc6beec0b4615b3156e553" },
  { version: "chongqing@2026-01-01#1", sha256: "6104c2cdd25a9ebb3471c6b7d433f5825a6e78c42a6219021dead32dff5c7d71" },
  { version: "chongqing@2026-12-08#2", sha256: "5208e74e969d5c0dfd8214a7bac3958af4b843464571b652f01a5935e79e3c9d" },
  { version: "yinchuan@2026-01-01#1", sha256: "b72714d10c38d760d45aa91a63f14526b1e5b7161135ab180248e559e9206ec8" },
  { version: "yinchuan@2026-12-08#2", sha256: "8799cddb72a9864956b77444bf4afd6dc6c85e4f42b56ad6fa655eaacd5e588b" },
];
