import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadGatewayConfig } from "@ihp/gateway";
import { baseConfigShape } from "@ihp/platform";
import { loadAll } from "js-yaml";
import { describe, expect, it } from "vitest";
import { CAN_RENDER, PLATFORM_SERVICES, render, renderKustomization, KUSTOMIZATIONS } from "./policyRender.js";

// The manifests cannot be applied here (no cluster): this checks what can be checked without one — that kustomize
// renders the base (what `kubectl apply -k` would send), that it names only variables the code reads, and that no
// service is left out. Everything below reads the rendered output, not the files, so a file kustomize rejects fails
// here. The base and the overlays are checked alike (policyRender.ts renders them; without kubectl a developer's run
// skips with the reason printed, CI fails).

const root = join(import.meta.dirname, "../..");
const base = join(root, "infra/k8s/base");

interface EnvVar {
  readonly name: string;
  readonly value?: string;
}
interface Manifest {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly data?: Record<string, string>;
  readonly spec?: { readonly template?: { readonly spec: { readonly containers: readonly { readonly env?: readonly EnvVar[] }[] } } };
}

interface PodWithVolumes {
  readonly containers: readonly { readonly env?: readonly EnvVar[]; readonly volumeMounts?: readonly { name: string; mountPath: string }[] }[];
  readonly volumes?: readonly { name: string; emptyDir?: object; persistentVolumeClaim?: { claimName: string }; secret?: { secretName: string } }[];
}

/** Each service's configuration schema, `<name>ConfigSchema` from its package (every service with a main.ts). */
const SCHEMAS: Record<string, { readonly shape: Record<string, unknown> }> = Object.fromEntries(
  await Promise.all(
    PLATFORM_SERVICES.map(async (name) => {
      const module = (await import(`@ihp/${name}`)) as Record<string, { shape: Record<string, unknown> } | undefined>;
      const schema = module[`${name}ConfigSchema`];
      if (schema === undefined) throw new Error(`@ihp/${name} exports no ${name}ConfigSchema`);
      return [name, schema] as const;
    }),
  ),
);

describe.skipIf(!CAN_RENDER)("Kubernetes manifests (infra/k8s/base), as kustomize renders them", () => {
  const all = CAN_RENDER ? (render(base) as unknown as Manifest[]) : [];
  const deployment = (name: string) => all.find((m) => m.kind === "Deployment" && m.metadata.name === name);

  it("renders every file of the base, in the namespace the kustomization sets", () => {
    const files = readdirSync(base).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
    const documents = files.flatMap((file) => loadAll(readFileSync(join(base, file), "utf8")).filter((d) => d !== null));
    expect(all).toHaveLength(documents.length);
    expect(all.filter((m) => m.kind !== "Namespace").every((m) => m.metadata.namespace === "ihp")).toBe(true);
  });

  it("fails when kustomize rejects a file: the unquoted `?` nats.yaml once had does not render", () => {
    const broken = mkdtempSync(join(tmpdir(), "ihp-kustomize-"));
    try {
      cpSync(base, broken, { recursive: true });
      const nats = join(broken, "nats.yaml");
      const quoted = '{ path: "/healthz?js-enabled-only=true", port: monitor }';
      expect(readFileSync(nats, "utf8")).toContain(quoted);
      writeFileSync(nats, readFileSync(nats, "utf8").replace(quoted, "{ path: /healthz?js-enabled-only=true, port: monitor }"));
      expect(() => render(broken)).toThrow(/nats\.yaml/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  it("lists every file in the kustomization and has a Deployment for every service with a main.ts", () => {
    const kustomization = readFileSync(join(base, "kustomization.yaml"), "utf8");
    for (const file of readdirSync(base).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")) {
      expect(kustomization, file).toContain(`- ${file}`);
    }
    expect(PLATFORM_SERVICES).toEqual(expect.arrayContaining(["identity", "consult", "prescription", "pharmacy", "reporting"]));
    for (const name of [...PLATFORM_SERVICES, "gateway"]) expect(deployment(name), `a Deployment for ${name}`).toBeDefined();
  });

});

describe.skipIf(!CAN_RENDER).each(KUSTOMIZATIONS)("Kubernetes manifests (infra/k8s/%s), as kustomize renders them", (name) => {
  const all = CAN_RENDER ? (renderKustomization(name) as unknown as Manifest[]) : [];
  const deployment = (workload: string) => all.find((m) => m.kind === "Deployment" && m.metadata.name === workload);
  const common = all.find((m) => m.kind === "ConfigMap" && m.metadata.name === "ihp-common")?.data ?? {};
  const hasKurrent = all.some((m) => m.kind === "StatefulSet" && m.metadata.name === "kurrentdb");

  it("sets only variables the platform's base configuration knows in the common ConfigMap", () => {
    expect(Object.keys(common).filter((key) => !Object.hasOwn(baseConfigShape, key))).toEqual([]);
  });

  it.each(Object.entries(SCHEMAS))("%s: every variable it sets is one its configuration schema reads", (service, schema) => {
    const env = deployment(service)?.spec?.template?.spec.containers[0]?.env ?? [];
    const known = new Set([...Object.keys(schema.shape), "APP"]);
    expect(env.map((variable) => variable.name).filter((variable) => !known.has(variable))).toEqual([]);
  });

  it.each(Object.entries(SCHEMAS))("%s: every other service it can call (a *_GRPC_ADDRESS its schema reads) is given, so the NetworkPolicies see the call", (service, schema) => {
    const env = new Set((deployment(service)?.spec?.template?.spec.containers[0]?.env ?? []).map((variable) => variable.name));
    expect(Object.keys(schema.shape).filter((key) => key.endsWith("_GRPC_ADDRESS") && !env.has(key))).toEqual([]);
  });

  it("identity's key material (DATA_DIR/identity-keys, the practitioner PII key) is on a claim shared by its replicas, never an emptyDir", () => {
    const pod = (deployment("identity") as unknown as { spec: { template: { spec: PodWithVolumes } } }).spec.template.spec;
    const container = pod.containers[0];
    const env = Object.fromEntries((container?.env ?? []).map((v) => [v.name, v.value]));
    const dataDir = env["DATA_DIR"] ?? common["DATA_DIR"] ?? "./data";
    const keyPaths = [join(dataDir, "identity-keys"), env["PRACTITIONER_PII_KEY_FILE"] ?? join(dataDir, "practitioner-pii.key")];
    for (const path of keyPaths) {
      const mount = (container?.volumeMounts ?? []).filter((m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`)).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
      const volume = pod.volumes?.find((v) => v.name === mount?.name);
      expect(volume?.emptyDir, path).toBeUndefined();
      const claim = all.find((m) => m.kind === "PersistentVolumeClaim" && m.metadata.name === volume?.persistentVolumeClaim?.claimName) as unknown as
        | { spec: { accessModes: string[] } }
        | undefined;
      expect(claim?.spec.accessModes, path).toContain("ReadWriteMany");
    }
  });

  it.skipIf(!hasKurrent)("KurrentDB (skipped where the overlay has none): every service's connection string uses TLS with a CA file mounted from the kurrentdb-ca Secret, as the server runs TLS", () => {
    const server = all.find((m) => m.kind === "StatefulSet" && m.metadata.name === "kurrentdb")?.spec?.template?.spec.containers[0]?.env ?? [];
    expect(server.find((v) => v.name === "KURRENTDB_INSECURE")?.value).toBe("false");
    for (const service of Object.keys(SCHEMAS)) {
      const pod = (deployment(service) as unknown as { spec: { template: { spec: PodWithVolumes } } }).spec.template.spec;
      const url = new URL((pod.containers[0]?.env ?? []).find((v) => v.name === "EVENT_STORE_URL")?.value ?? "kurrentdb://unset");
      expect(url.searchParams.get("tls"), service).not.toBe("false");
      const caFile = url.searchParams.get("tlsCAFile") ?? "";
      const mount = (pod.containers[0]?.volumeMounts ?? []).find((m) => caFile.startsWith(`${m.mountPath}/`));
      expect(pod.volumes?.find((v) => v.name === mount?.name)?.secret?.secretName, service).toBe("kurrentdb-ca");
    }
  });

  it("every Deployment or StatefulSet with more than one replica has a PodDisruptionBudget selecting it", () => {
    const budgets = all.filter((m) => m.kind === "PodDisruptionBudget") as unknown as { spec: { selector: { matchLabels: Record<string, string> } } }[];
    const workloads = (all as unknown as { kind: string; metadata: { name: string }; spec?: { replicas?: number; template?: { metadata?: { labels?: Record<string, string> } } } }[]).filter(
      (m) => (m.kind === "Deployment" || m.kind === "StatefulSet") && (m.spec?.replicas ?? 1) > 1,
    );
    expect(workloads.length).toBeGreaterThanOrEqual(8);
    for (const workload of workloads) {
      const labels = workload.spec?.template?.metadata?.labels ?? {};
      const covered = budgets.some((b) => Object.entries(b.spec.selector.matchLabels).every(([key, value]) => labels[key] === value));
      expect(covered, workload.metadata.name).toBe(true);
    }
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
