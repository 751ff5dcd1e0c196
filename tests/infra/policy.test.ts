import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadAll } from "js-yaml";
import { describe, expect, it } from "vitest";
import { keyMaterialViolations, metricsViolations, probeTlsViolations, quantity, replicaIdViolations, sharedSqliteViolations, workloadViolations } from "./policy.js";
import { CAN_RENDER, K8S_ROOT, type K8sObject, KUSTOMIZATIONS, PLATFORM_SERVICES, renderKustomization } from "./policyRender.js";

// Issue 14 item 2 over what `kubectl kustomize` renders, base and overlays: probes, resources, topology spread, no key
// material on emptyDir, /metrics announced. The first block feeds each checker a violating object, so a clean result
// on the rendered manifests means something.

const root = join(import.meta.dirname, "../..");
/** The contexts whose service seals with the key ring (its service.ts names a sealing policy): they keep data keys. */
const SEALING = new Set(
  readdirSync(join(root, "services")).filter((name) => {
    const file = join(root, "services", name, "src/service.ts");
    return existsSync(file) && /_SEALING\b/.test(readFileSync(file, "utf8"));
  }),
);

/**
 * The contexts whose service keeps SQLite state in DATA_DIR unless READ_MODEL_URL is set: read models and projection
 * checkpoints (the service host opens them for every service it hosts, reporting opens its own) or wrapped data keys
 * (it seals).
 */
// Services on the service host, which signs checkpoints of the log and keeps a local copy of them in DATA_DIR.
const ANCHORING = new Set(
  readdirSync(join(root, "services")).filter((name) => {
    const file = join(root, "services", name, "src/service.ts");
    return existsSync(file) && /\bstartServiceHost\b/.test(readFileSync(file, "utf8"));
  }),
);

const SQLITE_STATE = new Set(
  readdirSync(join(root, "services")).filter((name) => {
    const file = join(root, "services", name, "src/service.ts");
    return existsSync(file) && /\bstartServiceHost\b|\bopenSqliteReadModels\b|_SEALING\b/.test(readFileSync(file, "utf8"));
  }),
);

const parse = (text: string): K8sObject => loadAll(text)[0] as K8sObject;

const bare = parse(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: bad }
spec:
  replicas: 2
  template:
    metadata: { labels: { app: bad } }
    spec:
      topologySpreadConstraints:
        - { maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: { matchLabels: { app: bad } } }
        - { maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: { matchLabels: { app: other } } }
      containers:
        - name: app
          readinessProbe: { grpc: { port: 50051 } }
          resources: { requests: { cpu: "2", memory: 1Gi }, limits: { cpu: 500m } }
`);

const keyed = parse(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: consult }
spec:
  replicas: 2
  template:
    metadata: { annotations: { prometheus.io/scrape: "true", prometheus.io/port: "9000" } }
    spec:
      containers:
        - name: consult
          env:
            - { name: APP, value: services/consult }
            - { name: SERVICE_NAME, value: consult }
            - { name: DATA_DIR, value: /data }
            - { name: KEYRING_MASTER_KEY_FILE, value: /keys/master.json }
          ports: [{ name: grpc, containerPort: 50051 }]
          volumeMounts: [{ name: data, mountPath: /data }, { name: keys, mountPath: /keys }]
      volumes:
        - { name: data, emptyDir: {} }
        - { name: keys, persistentVolumeClaim: { claimName: consult-keys } }
`);
const tls = parse(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: tls }
spec:
  template:
    spec:
      containers:
        - name: service
          env:
            - name: GRPC_TLS_CERT_FILE
              valueFrom: { secretKeyRef: { name: grpc-tls, key: cert-path } }
          startupProbe: { grpc: { port: 50051 } }
          readinessProbe: { grpc: { port: 50051 } }
          livenessProbe: { tcpSocket: { port: 50051 } }
        - name: gateway
          startupProbe: { httpGet: { path: /healthz, port: 4000, scheme: HTTPS } }
          readinessProbe: { httpGet: { path: /readyz, port: 4000 } }
          livenessProbe: { httpGet: { path: /healthz, port: 4000, scheme: HTTP } }
`);
const rwoClaim = parse(`{ apiVersion: v1, kind: PersistentVolumeClaim, metadata: { name: consult-keys }, spec: { accessModes: [ReadWriteOnce] } }`);

describe("workload policy checkers (issue 14 item 2)", () => {
  it("every overlay under infra/k8s/overlays is one the infra tests render and check", () => {
    const overlays = readdirSync(join(K8S_ROOT, "overlays")).filter((name) => existsSync(join(K8S_ROOT, "overlays", name, "kustomization.yaml")));
    expect(["base", ...overlays.map((name) => `overlays/${name}`)].sort()).toEqual([...KUSTOMIZATIONS].sort());
  });

  it("parses Kubernetes quantities", () => {
    expect([quantity("250m"), quantity("2"), quantity("768Mi"), quantity("1Gi"), quantity("1.5G")]).toEqual([0.25, 2, 768 * 2 ** 20, 2 ** 30, 1.5e9]);
    expect(quantity("lots")).toBeNaN();
  });

  it("reports missing probes, missing or inverted resources, and a multi-replica workload without a proper spread", () => {
    expect(workloadViolations(bare).sort()).toEqual(
      [
        "Deployment/bad app: no startupProbe",
        "Deployment/bad app: no livenessProbe",
        "Deployment/bad app: cpu request 2 above its limit 500m",
        "Deployment/bad app: no memory limit",
        "Deployment/bad: zone spread is DoNotSchedule, not ScheduleAnyway",
        "Deployment/bad: 2 replicas without a hostname topology spread selecting its pods",
      ].sort(),
    );
    const single = { ...bare, spec: { ...bare.spec, replicas: 1 } };
    expect(workloadViolations(single).some((v) => v.includes("spread"))).toBe(false);
  });

  it("reports key material on an emptyDir, on the container's filesystem, or on a claim the replicas cannot share", () => {
    expect(keyMaterialViolations(keyed, [keyed, rwoClaim], new Set(["consult"])).sort()).toEqual(
      [
        "Deployment/consult consult: CHECKPOINT_KEY_DIR not set (the default is on the root filesystem)",
        "Deployment/consult consult: builtin issuer key at /data/auth on emptyDir data",
        "Deployment/consult consult: key ring data keys at /data/consult-data-keys.sqlite on emptyDir data",
        "Deployment/consult consult: key ring master key at /keys/master.json on claim consult-keys, not ReadWriteMany",
      ].sort(),
    );
    const oidc = parse(`{ apiVersion: v1, kind: ConfigMap, metadata: { name: ihp-common }, data: { AUTH_MODE: oidc, CHECKPOINT_KEY_DIR: /elsewhere } }`);
    expect(keyMaterialViolations(keyed, [keyed, oidc], new Set())).toEqual(["Deployment/consult consult: checkpoint signing keys at /elsewhere on the container's filesystem"]);
    // XC-01 (issue 10): a container on NATS needs the shared transit keys, and they must not be on its own filesystem.
    const nats = parse(`{ apiVersion: v1, kind: ConfigMap, metadata: { name: ihp-common }, data: { AUTH_MODE: oidc, CHECKPOINT_KEY_DIR: /data/keys, NATS_URL: "nats://nats:4222" } }`);
    expect(keyMaterialViolations(keyed, [keyed, nats], new Set())).toContain("Deployment/consult consult: BUS_TRANSIT_KEY_FILE not set (the default is on the root filesystem)");
    const natsWithFile = parse(`{ apiVersion: v1, kind: ConfigMap, metadata: { name: ihp-common }, data: { AUTH_MODE: oidc, CHECKPOINT_KEY_DIR: /data/keys, NATS_URL: "nats://nats:4222", BUS_TRANSIT_KEY_FILE: /etc/transit/keys.json } }`);
    expect(keyMaterialViolations(keyed, [keyed, natsWithFile], new Set())).toContain("Deployment/consult consult: bus transit keys at /etc/transit/keys.json on the container's filesystem");
    // REC-10: records' e-seal private keys go where RECORDS_SEAL_KEY_DIR says, on a claim, never by default into DATA_DIR.
    const records = parse(JSON.stringify(keyed).replaceAll("consult", "records"));
    const recordsKeyed = [records, oidc, parse(`{ apiVersion: v1, kind: PersistentVolumeClaim, metadata: { name: records-keys }, spec: { accessModes: [ReadWriteMany] } }`)];
    expect(keyMaterialViolations(records, recordsKeyed, new Set())).toContain("Deployment/records records: RECORDS_SEAL_KEY_DIR not set (the default is in DATA_DIR, with the data)");
  });

  it("reports a service with several replicas that would keep SQLite state on the shared DATA_DIR claim (no READ_MODEL_URL or READ_MODEL_SCHEMA)", () => {
    expect(sharedSqliteViolations(keyed, {}, new Set(["consult"])).sort()).toEqual(
      [
        "Deployment/consult consult: 2 replicas would share SQLite read models and data keys in DATA_DIR: READ_MODEL_URL not set",
        "Deployment/consult consult: READ_MODEL_SCHEMA not set (its read models would land in the database's default schema)",
      ].sort(),
    );
    const spec = keyed.spec as { template: { spec: { containers: { env: object[] }[] } } };
    const container = spec.template.spec.containers[0]!;
    const withPostgres = {
      ...keyed,
      spec: {
        ...spec,
        template: {
          ...spec.template,
          spec: {
            ...spec.template.spec,
            containers: [{ ...container, env: [...container.env, { name: "READ_MODEL_URL", valueFrom: { secretKeyRef: { name: "consult-read-models", key: "url" } } }, { name: "READ_MODEL_SCHEMA", value: "consult" }] }],
          },
        },
      },
    };
    expect(sharedSqliteViolations(withPostgres, {}, new Set(["consult"]))).toEqual([]);
    expect(sharedSqliteViolations({ ...keyed, spec: { ...spec, replicas: 1 } }, {}, new Set(["consult"]))).toEqual([]);
    expect(sharedSqliteViolations(keyed, {}, new Set(["identity"]))).toEqual([]);
  });

  it("reports a service with several replicas whose containers do not name their own checkpoint copy (REPLICA_ID from the pod's name)", () => {
    const violation = "Deployment/consult consult: 2 replicas share DATA_DIR: REPLICA_ID not set from metadata.name";
    const withReplicaId = (variable: object) => parse(JSON.stringify(keyed).replace('{"name":"APP"', `${JSON.stringify(variable)},{"name":"APP"`));
    const anchoring = new Set(["consult"]);
    expect(replicaIdViolations(keyed, anchoring)).toEqual([violation]);
    expect(replicaIdViolations(withReplicaId({ name: "REPLICA_ID", value: "consult-0" }), anchoring)).toEqual([violation]);
    expect(replicaIdViolations(withReplicaId({ name: "REPLICA_ID", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }), anchoring)).toEqual([]);
    expect(replicaIdViolations({ ...keyed, spec: { ...(keyed.spec as object), replicas: 1 } }, anchoring)).toEqual([]);
    expect(replicaIdViolations(keyed, new Set(["reporting"]))).toEqual([]);
  });

  it("reports a platform container whose METRICS_PORT is not announced to Prometheus", () => {
    expect(metricsViolations(keyed, { METRICS_PORT: "9464" }).sort()).toEqual(
      [
        'Deployment/consult consult: no port "metrics" on METRICS_PORT 9464',
        "Deployment/consult consult: prometheus.io/port is not METRICS_PORT 9464",
        "Deployment/consult consult: prometheus.io/path is not /metrics",
      ].sort(),
    );
  });

  it("reports a probe that cannot speak to a TLS port: a gRPC probe with GRPC_TLS_*, a plain HTTP probe with GATEWAY_TLS_*", () => {
    expect(probeTlsViolations(tls, { GATEWAY_TLS_CERT_FILE: "/tls/tls.crt" }).sort()).toEqual(
      [
        "Deployment/tls service: startupProbe is a gRPC probe, but GRPC_TLS_CERT_FILE makes the port TLS-only (the kubelet's gRPC probe is plaintext)",
        "Deployment/tls service: readinessProbe is a gRPC probe, but GRPC_TLS_CERT_FILE makes the port TLS-only (the kubelet's gRPC probe is plaintext)",
        "Deployment/tls gateway: readinessProbe asks over HTTP, but GATEWAY_TLS_CERT_FILE makes the port HTTPS",
        "Deployment/tls gateway: livenessProbe asks over HTTP, but GATEWAY_TLS_CERT_FILE makes the port HTTPS",
      ].sort(),
    );
    expect(probeTlsViolations(tls, {}).some((v) => v.includes("gateway"))).toBe(false);
  });
});

describe.skipIf(!CAN_RENDER).each(KUSTOMIZATIONS)("infra/k8s/%s as kustomize renders it (issue 14 item 2)", (name) => {
  const all = CAN_RENDER ? renderKustomization(name) : [];
  const workloads = all.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet");
  const common = all.find((o) => o.kind === "ConfigMap" && o.metadata.name === "ihp-common")?.data ?? {};

  it("every container has startup, readiness and liveness probes, cpu and memory requests and limits; every multi-replica workload spreads over zones (ScheduleAnyway) and nodes", () => {
    expect(workloads.length).toBeGreaterThanOrEqual(name.endsWith("postgres") ? 8 : 9);
    expect(workloads.flatMap(workloadViolations)).toEqual([]);
  });

  it("every probe can speak to its port as configured (no gRPC probe on a TLS-only gRPC port, HTTPS probes on an HTTPS gateway)", () => {
    expect(workloads.flatMap((w) => probeTlsViolations(w, common))).toEqual([]);
  });

  it("XC-05 no key material on an emptyDir: checkpoint keys, key ring master and data keys, identity's keys, the issuer key are on shared claims", () => {
    expect(SEALING.size).toBeGreaterThanOrEqual(3);
    expect(workloads.flatMap((w) => keyMaterialViolations(w, all, SEALING))).toEqual([]);
  });

  it("no service with several replicas keeps SQLite state (read models, projection checkpoints, data keys) on its shared DATA_DIR claim: READ_MODEL_URL and READ_MODEL_SCHEMA set", () => {
    expect([...SEALING].every((name) => SQLITE_STATE.has(name))).toBe(true);
    expect(SQLITE_STATE.size).toBeGreaterThanOrEqual(3);
    expect(workloads.flatMap((w) => sharedSqliteViolations(w, common, SQLITE_STATE))).toEqual([]);
  });

  it("every service with several replicas names each replica's own checkpoint copy: REPLICA_ID from the pod's name", () => {
    expect(ANCHORING.size).toBeGreaterThanOrEqual(6);
    expect(workloads.flatMap((w) => replicaIdViolations(w, ANCHORING))).toEqual([]);
  });

  it("every service and the gateway expose METRICS_PORT as port `metrics` with the prometheus.io annotations", () => {
    expect(workloads.filter((w) => JSON.stringify(w).includes('"APP"'))).toHaveLength(PLATFORM_SERVICES.length + 1);
    expect(workloads.flatMap((w) => metricsViolations(w, common))).toEqual([]);
  });
});

describe.skipIf(!CAN_RENDER)("infra/k8s/overlays/production (issue 14 item 2)", () => {
  const all = CAN_RENDER ? renderKustomization("overlays/production") : [];
  const spec = (o: K8sObject) => o.spec as { replicas?: number; template: { spec: { containers: { resources: { requests: Record<string, string>; limits: Record<string, string> } }[] } } };

  it("runs 3 replicas of every Deployment (all stateless) and asks NATS for 3 replicas per stream", () => {
    const deployments = all.filter((o) => o.kind === "Deployment");
    expect(deployments.map((d) => [d.metadata.name, spec(d).replicas])).toEqual(deployments.map((d) => [d.metadata.name, 3]));
    expect(all.find((o) => o.kind === "ConfigMap" && o.metadata.name === "ihp-common")?.data?.["NATS_STREAM_REPLICAS"]).toBe("3");
  });

  it("is stricter than the base: every container's memory request equals its limit", () => {
    const containers = all.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet").flatMap((o) => spec(o).template.spec.containers);
    for (const c of containers) expect(quantity(c.resources.requests["memory"] ?? "0")).toBe(quantity(c.resources.limits["memory"] ?? "-"));
  });

  it("production-postgres: every service's EVENT_STORE_URL comes from its <service>-event-store Secret, and no KurrentDB object is left", () => {
    const postgres = renderKustomization("overlays/production-postgres");
    expect(postgres.filter((o) => JSON.stringify(o).toLowerCase().includes("kurrentdb")).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    const services = postgres.filter((o) => o.kind === "Deployment" && o.metadata.labels?.["app.kubernetes.io/name"] !== "gateway" && o.metadata.name !== "otel-collector");
    expect(services.map((s) => s.metadata.name).sort()).toEqual([...PLATFORM_SERVICES]);
    for (const service of services) {
      const env = (service.spec as { template: { spec: { containers: { env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string } } }[] }[] } } }).template.spec.containers[0]?.env ?? [];
      const url = env.find((v) => v.name === "EVENT_STORE_URL");
      expect(url?.value, service.metadata.name).toBeUndefined();
      expect(url?.valueFrom?.secretKeyRef.name).toBe(`${service.metadata.name}-event-store`);
    }
  });
});
