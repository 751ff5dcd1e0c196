import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { consultConfigSchema } from "@ihp/consult";
import { loadGatewayConfig } from "@ihp/gateway";
import { identityConfigSchema } from "@ihp/identity";
import { pharmacyConfigSchema } from "@ihp/pharmacy";
import { baseConfigShape } from "@ihp/platform";
import { prescriptionConfigSchema } from "@ihp/prescription";
import { reportingConfigSchema } from "@ihp/reporting";
import { loadAll } from "js-yaml";
import { describe, expect, it } from "vitest";

// The manifests cannot be applied here (no cluster): this checks what can be checked without one — that they name
// only variables the code reads, and that no service is left out.

const root = join(import.meta.dirname, "../..");
const base = join(root, "infra/k8s/base");

interface EnvVar {
  readonly name: string;
  readonly value?: string;
}
interface Manifest {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly data?: Record<string, string>;
  readonly spec?: { readonly template?: { readonly spec: { readonly containers: readonly { readonly env?: readonly EnvVar[] }[] } } };
}

function manifests(): Manifest[] {
  return readdirSync(base)
    .filter((file) => file.endsWith(".yaml") && file !== "kustomization.yaml")
    .flatMap((file) => loadAll(readFileSync(join(base, file), "utf8")) as Manifest[]);
}

const SCHEMAS = {
  identity: identityConfigSchema,
  consult: consultConfigSchema,
  prescription: prescriptionConfigSchema,
  pharmacy: pharmacyConfigSchema,
  reporting: reportingConfigSchema,
};

describe("Kubernetes manifests (infra/k8s/base)", () => {
  const all = manifests();
  const deployment = (name: string) => all.find((m) => m.kind === "Deployment" && m.metadata.name === name);
  const common = all.find((m) => m.kind === "ConfigMap" && m.metadata.name === "ihp-common")?.data ?? {};

  it("lists every file in the kustomization and has a Deployment for every service with a main.ts", () => {
    const kustomization = readFileSync(join(base, "kustomization.yaml"), "utf8");
    for (const file of readdirSync(base).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")) {
      expect(kustomization, file).toContain(`- ${file}`);
    }
    const services = readdirSync(join(root, "services")).filter((name) => existsSync(join(root, "services", name, "src/main.ts")));
    expect(services.sort()).toEqual(Object.keys(SCHEMAS).sort());
    for (const name of [...services, "gateway"]) expect(deployment(name), name).toBeDefined();
  });

  it("sets only variables the platform's base configuration knows in the common ConfigMap", () => {
    expect(Object.keys(common).filter((key) => !Object.hasOwn(baseConfigShape, key))).toEqual([]);
  });

  it.each(Object.entries(SCHEMAS))("%s: every variable it sets is one its configuration schema reads", (name, schema) => {
    const env = deployment(name)?.spec?.template?.spec.containers[0]?.env ?? [];
    const known = new Set([...Object.keys(schema.shape), "APP"]);
    expect(env.map((variable) => variable.name).filter((variable) => !known.has(variable))).toEqual([]);
  });

  it("the gateway's variables load, with every service's address", () => {
    const env = Object.fromEntries((deployment("gateway")?.spec?.template?.spec.containers[0]?.env ?? []).map((v) => [v.name, v.value ?? "x"]));
    const config = loadGatewayConfig({ ...common, ...env });
    expect([config.IDENTITY_GRPC_URL, config.CONSULT_GRPC_URL, config.PRESCRIPTION_GRPC_URL, config.PHARMACY_GRPC_URL, config.REPORTING_GRPC_URL]).toEqual([
      "dns:///identity:50051",
      "dns:///consult:50051",
      "dns:///prescription:50051",
      "dns:///pharmacy:50051",
      "dns:///reporting:50051",
    ]);
  });
});
