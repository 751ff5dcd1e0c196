import { defineConfig } from "vitest/config";

// One vitest run over the whole repo. Tests import workspace packages from their TypeScript sources through the
// "ihp-source" export condition, so they need no build first (only `npm run generate` for proto code).
export default defineConfig({
  resolve: { conditions: ["ihp-source"] },
  ssr: { resolve: { conditions: ["ihp-source"] } },
  test: {
    include: [
      "packages/*/test/**/*.test.ts",
      "services/*/test/**/*.test.ts",
      "gateway/test/**/*.test.ts",
      "dashboard/test/**/*.test.ts",
      "tests/**/*.test.ts",
    ],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default", "./tests/support/summaryReporter.ts"],
  },
});
