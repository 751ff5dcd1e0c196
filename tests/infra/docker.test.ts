import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Ignore } from "@balena/dockerignore";
import { describe, expect, it } from "vitest";

// The image cannot be built here (no Docker engine). What can be checked without one: which files the build context
// would send (/.dockerignore, applied with a port of Docker's own matcher) and the Dockerfile's rules (runtime
// version, non-root user). The context list is the tracked files plus the private files a working tree or a
// deployment folder typically holds, which must never reach an image.

const root = join(import.meta.dirname, "../..");
// A CommonJS module whose typings declare an ES default export it does not have: loaded as what it is.
const dockerignore = createRequire(import.meta.url)("@balena/dockerignore") as () => Ignore;
const ignore = dockerignore().add(readFileSync(join(root, ".dockerignore"), "utf8"));
const sent = (path: string): boolean => !ignore.ignores(path);

const tracked = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);

/** Files a developer's tree or a build machine can hold next to the sources: data, keys, secrets, build output. */
const PRIVATE = [
  ".git/config",
  ".git/objects/ab/cdef",
  "data/identity-events.sqlite",
  "data/identity/issuer-private.jwk",
  "data/keys/patient-master.key",
  "services/identity/data/practitioner-pii.key",
  ".env",
  ".env.production",
  "infra/k8s/base/.env",
  "secrets/tls.key",
  "certs/server.pem",
  "certs/client.p12",
  "checkpoint-keys/consult.jwk",
  "config/ihp/checkpoint-keys/identity.json",
  "keyring-master.json",
  "softhsm-tokens/token.db",
  "node_modules/fastify/package.json",
  "gateway/node_modules/x/index.js",
  "packages/platform/dist/index.js",
  "packages/contracts/src/gen/ihp/consult/v1/consult.ts",
  "services/consult/.turbo/turbo-build.log",
  "tests/bench/out/flows.json",
];

describe("Docker build context (.dockerignore)", () => {
  it("sends no data folder, key, certificate, environment file, git history, dependency or build output", () => {
    expect(PRIVATE.filter(sent)).toEqual([]);
  });

  it("sends no tracked key or certificate (the test fixtures stay out too)", () => {
    expect(tracked.filter((path) => /\.(key|pem|crt|p12|pfx|der|jks)$/.test(path)).filter(sent)).toEqual([]);
  });

  it("sends what the build needs: the lock file, every workspace's package.json, sources, protos and runtime assets", () => {
    const workspaces = tracked.filter((path) => path === "package.json" || /^(packages|services)\/[^/]+\/package\.json$|^(gateway|runner|tests)\/package\.json$/.test(path));
    expect(workspaces.length).toBeGreaterThan(12);
    const needed = [
      "package-lock.json",
      "turbo.json",
      "tsconfig.base.json",
      ...workspaces,
      ...tracked.filter((path) => /^(packages|services|gateway|runner)\/[^/]+(\/[^/]+)*\/src\//.test(path) && !path.includes("/test/")),
      ...tracked.filter((path) => path.startsWith("proto/")),
      // Read at run time next to the compiled code (new URL(…, import.meta.url)).
      "packages/drug-catalogue/samples/sample-catalogue.json",
      "services/identity/src/adapters/registry/demo-registry.json",
    ];
    expect(needed.filter((path) => !sent(path))).toEqual([]);
  });

  it("leaves tests, benchmarks, docs and CI scripts out of the image", () => {
    expect(["tests/e2e/clinicalFlow.e2e.test.ts", "tests/bench/run.ts", "docs/architecture.md", ".ci/run"].filter(sent)).toEqual([]);
  });
});

/** Instructions of a Dockerfile with continuation lines joined and comments dropped. */
function instructions(text: string): { readonly keyword: string; readonly args: string }[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [keyword = "", ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(" ") };
    });
}

describe("infra/docker/Dockerfile", () => {
  const steps = instructions(readFileSync(join(root, "infra/docker/Dockerfile"), "utf8"));
  const stages = steps.filter((step) => step.keyword === "FROM");
  const finalStage = steps.slice(steps.lastIndexOf(stages.at(-1)!));

  it("builds and runs on Node 24 LTS, the supported runtime", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.args).toMatch(/^node:24[-.]/);
  });

  it("runs as a non-root user given by number, so runAsNonRoot can check it", () => {
    const user = finalStage.filter((step) => step.keyword === "USER").at(-1)?.args ?? "";
    expect(user).toMatch(/^[1-9][0-9]*(:[1-9][0-9]*)?$/);
  });

  it("copies into the final image only from the build stage (no second read of the context), and fetches nothing with ADD", () => {
    expect(finalStage.filter((step) => step.keyword === "COPY").every((step) => step.args.includes("--from=build"))).toBe(true);
    expect(steps.filter((step) => step.keyword === "ADD")).toEqual([]);
  });

  it("puts no secret into the image's environment", () => {
    const env = steps.filter((step) => step.keyword === "ENV" || step.keyword === "ARG").map((step) => step.args).join(" ");
    expect(env).not.toMatch(/SECRET|PASSWORD|PIN|PRIVATE|TOKEN/i);
  });
});
