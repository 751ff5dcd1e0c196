import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { loadAll } from "js-yaml";

// What every infra test reads: the objects `kubectl kustomize` renders (what `kubectl apply -k` would send), for the
// base and each overlay. kubectl comes from Debian (kubernetes-client; .ci/run installs it): without it, CI fails and
// a developer's run skips with the reason printed.

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly data?: Record<string, string>;
  readonly spec?: Record<string, unknown>;
}

export const REPO_ROOT = join(import.meta.dirname, "../..");
export const K8S_ROOT = join(REPO_ROOT, "infra/k8s");

/** The platform's services: every folder of services/ with a process entry (src/main.ts); each needs a Deployment. */
export const PLATFORM_SERVICES: readonly string[] = readdirSync(join(REPO_ROOT, "services"))
  .filter((name) => existsSync(join(REPO_ROOT, "services", name, "src/main.ts")))
  .sort();

/** Every kustomization the infra tests check: the base and the overlays (relative to infra/k8s). */
export const KUSTOMIZATIONS = ["base", "overlays/production", "overlays/production-postgres"] as const;

function hasKubectl(): boolean {
  try {
    execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Whether the render-based tests run: kubectl is here, or this is CI (where its absence must fail). */
export const CAN_RENDER = hasKubectl() || process.env["CI"] === "true";
if (!CAN_RENDER) process.stdout.write("tests/infra: rendered-manifest checks skipped, kubectl not found (Debian package kubernetes-client)\n");

const cache = new Map<string, K8sObject[]>();

/** The documents `kubectl kustomize` renders from a folder; throws with kustomize's message if it fails. */
export function render(folder: string): K8sObject[] {
  const cached = cache.get(folder);
  if (cached !== undefined) return cached;
  let output: string;
  try {
    output = execFileSync("kubectl", ["kustomize", folder], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`kubectl kustomize ${folder} failed: ${failed.stderr ?? failed.message}`);
  }
  const objects = (loadAll(output) as (K8sObject | null)[]).filter((document): document is K8sObject => document !== null);
  cache.set(folder, objects);
  return objects;
}

/** A kustomization of infra/k8s by its relative name, rendered (cached per run). */
export function renderKustomization(name: string): K8sObject[] {
  return render(join(K8S_ROOT, name));
}
