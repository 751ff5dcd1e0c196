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
    // Test files share a worker's module cache instead of each importing the whole platform again: importing took
    // more time than the tests themselves (the gateway's files: 162 s isolated, 38 s shared; the whole suite 15 → 7
    // minutes on 2 cores). It is safe because no test leaves global state behind: a test that changes an environment
    // variable, a timer or a global puts it back in a finally block, and every service, store and metrics registry
    // is created per test, never as a module-level singleton; the one process-wide switch, the embedded platform's
    // in-process gRPC transport, is put back as it was when the platform stops.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default", "./tests/support/summaryReporter.ts"],
  },
});
