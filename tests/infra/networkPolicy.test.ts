import { loadAll } from "js-yaml";
import { describe, expect, it } from "vitest";
import { connectionAllowed, coverageViolations, egressAllowed, type Endpoint, ingressAllowed, matches, workloadPods } from "./networkPolicy.js";
import { CAN_RENDER, type K8sObject, KUSTOMIZATIONS, PLATFORM_SERVICES, renderKustomization } from "./policyRender.js";

// Issue 14 item 2: NetworkPolicies over what kustomize renders, base and overlays. Default deny both ways for every
// pod; the gateway's HTTP port open to all; each service's gRPC port only to the gateway and the services that call it; NATS to the
// services and the gateway, the event store to the services only; DNS egress for all; metrics from the monitoring
// namespace. The first block shows the evaluator and the coverage check fail on violating policies.

const objects = (text: string): K8sObject[] => (loadAll(text) as K8sObject[]).filter((o) => o !== null);

const app = objects(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: ns }
spec:
  template:
    metadata: { labels: { role: api } }
    spec:
      containers: [{ name: api, ports: [{ name: grpc, containerPort: 50051 }, { name: metrics, containerPort: 9464 }] }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ingress-only-deny, namespace: ns }
spec: { podSelector: {}, policyTypes: [Ingress] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: grpc-from-callers, namespace: ns }
spec:
  podSelector: { matchLabels: { role: api } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchExpressions: [{ key: role, operator: In, values: [api, gateway] }] } }]
      ports: [{ port: grpc }]
`);
const pod = (name: string, labels: Record<string, string>, namespace = "ns", namespaceLabels: Record<string, string> = {}): Endpoint => ({
  kind: "pod",
  name,
  namespace,
  namespaceLabels: { "kubernetes.io/metadata.name": namespace, ...namespaceLabels },
  labels,
  ports: [],
});

describe("NetworkPolicy evaluator (issue 14 item 2)", () => {
  it("matches label selectors with matchLabels and every expression operator", () => {
    expect(matches({}, {})).toBe(true);
    expect(matches({ matchLabels: { a: "1" } }, { a: "2" })).toBe(false);
    expect(matches({ matchExpressions: [{ key: "a", operator: "In", values: ["1", "2"] }] }, { a: "2" })).toBe(true);
    expect(matches({ matchExpressions: [{ key: "a", operator: "NotIn", values: ["2"] }] }, { a: "2" })).toBe(false);
    expect(matches({ matchExpressions: [{ key: "a", operator: "Exists" }] }, {})).toBe(false);
    expect(matches({ matchExpressions: [{ key: "a", operator: "DoesNotExist" }] }, {})).toBe(true);
  });

  it("reports a pod without an ingress+egress default deny and a port no policy opens", () => {
    expect(coverageViolations(app).sort()).toEqual(
      ["Deployment/api: no default-deny policy (ingress and egress) selects it", "Deployment/api: no policy allows ingress to port metrics (9464)"].sort(),
    );
  });

  it("allows a connection only when the target's ingress allows the source on that (named) port", () => {
    const [api] = workloadPods(app);
    if (api === undefined) throw new Error("no pod");
    expect(connectionAllowed(app, pod("gw", { role: "gateway" }), api, 50051)).toBe(true);
    expect(connectionAllowed(app, pod("other", { role: "batch" }), api, 50051)).toBe(false);
    expect(connectionAllowed(app, pod("gw-elsewhere", { role: "gateway" }, "other"), api, 50051)).toBe(false);
    expect(connectionAllowed(app, pod("gw", { role: "gateway" }), api, 9464)).toBe(false);
    expect(connectionAllowed(app, { kind: "external", name: "internet" }, api, 50051)).toBe(false);
  });
});

describe.skipIf(!CAN_RENDER).each(KUSTOMIZATIONS)("NetworkPolicies of infra/k8s/%s as kustomize renders them (issue 14 item 2)", (name) => {
  const all = CAN_RENDER ? renderKustomization(name) : [];
  const pods = workloadPods(all);
  const byName = (workload: string): Endpoint => {
    const found = pods.find((p) => p.name.endsWith(`/${workload}`));
    if (found === undefined) throw new Error(`no pod ${workload}`);
    return found;
  };
  const SERVICES = PLATFORM_SERVICES;
  const hasKurrent = pods.some((p) => p.name === "StatefulSet/kurrentdb");
  const monitoring = pod("prometheus", { app: "prometheus" }, "monitoring", { "ihp/monitoring": "true" });
  const otherNamespace = pod("intruder", { "ihp/tier": "service" }, "elsewhere");
  const stranger = pod("stranger", { app: "debug" }, "ihp");
  const internet: Endpoint = { kind: "external", name: "internet" };
  const dns = pod("coredns", { "k8s-app": "kube-dns" }, "kube-system");

  it("every pod is selected by the default deny (ingress and egress) and every port it listens on is opened by a policy", () => {
    expect(pods.length).toBeGreaterThanOrEqual(hasKurrent ? 9 : 8);
    expect(coverageViolations(all)).toEqual([]);
  });

  it("every pod may resolve names (DNS egress to kube-dns, UDP and TCP 53), and nothing else leaves a pod unasked", () => {
    for (const p of pods) {
      expect(connectionAllowed(all, p, dns, 53, "UDP"), p.name).toBe(true);
      expect(connectionAllowed(all, p, dns, 53, "TCP"), p.name).toBe(true);
      expect(connectionAllowed(all, p, pod("web", { app: "web" }, "other"), 8080), p.name).toBe(false);
    }
  });

  it("XC-05 the gateway's HTTP port is reachable from anywhere; nothing else is reachable from outside the cluster", () => {
    // (A pod of this namespace outside the platform is itself denied egress by the default deny.)
    for (const from of [internet, otherNamespace]) expect(connectionAllowed(all, from, byName("gateway"), 4000), from.name).toBe(true);
    for (const p of pods.filter((candidate) => !candidate.name.endsWith("/gateway"))) {
      for (const port of p.kind === "pod" ? p.ports : []) expect(connectionAllowed(all, internet, p, port.containerPort), `${p.name}:${port.containerPort}`).toBe(false);
    }
  });

  /** Who calls whom, as the Deployments say: a service's `<TARGET>_GRPC_ADDRESS` names a service it calls. */
  const calls = new Map(
    all
      .filter((o) => o.kind === "Deployment" && SERVICES.includes(o.metadata.name))
      .map((o) => {
        const env = (o.spec as { template: { spec: { containers: { env?: { name: string }[] }[] } } }).template.spec.containers.flatMap((c) => c.env ?? []);
        const targets = env.map((v) => /^([A-Z]+)_GRPC_ADDRESS$/.exec(v.name)?.[1]?.toLowerCase()).filter((t): t is string => t !== undefined);
        return [o.metadata.name, new Set(targets)] as const;
      }),
  );

  it("XC-05 each service's gRPC port is reachable from the gateway and from the services that call it (their *_GRPC_ADDRESS), no one else", () => {
    expect(calls.get("prescription")).toEqual(new Set(["identity", "consult", "reporting"]));
    for (const target of SERVICES) {
      expect(connectionAllowed(all, byName("gateway"), byName(target), 50051), `gateway -> ${target}`).toBe(true);
      for (const caller of SERVICES) {
        const declared = calls.get(caller)?.has(target) === true;
        expect(connectionAllowed(all, byName(caller), byName(target), 50051), `${caller} -> ${target}`).toBe(declared);
        // Both sides hold the line on their own: the caller's egress and the target's ingress.
        expect(egressAllowed(all, byName(caller), byName(target), 50051), `${caller} egress -> ${target}`).toBe(declared);
        expect(ingressAllowed(all, byName(caller), byName(target), 50051), `${target} ingress <- ${caller}`).toBe(declared);
      }
      for (const other of [byName("nats"), byName("otel-collector"), stranger, otherNamespace, monitoring]) {
        expect(connectionAllowed(all, other, byName(target), 50051), `${other.name} -> ${target}`).toBe(false);
      }
    }
  });

  it("NATS' client port from the services and the gateway only; its routes between its servers", () => {
    for (const caller of [...SERVICES, "gateway"]) expect(connectionAllowed(all, byName(caller), byName("nats"), 4222), caller).toBe(true);
    for (const other of [byName("otel-collector"), stranger, otherNamespace]) expect(connectionAllowed(all, other, byName("nats"), 4222), other.name).toBe(false);
    expect(connectionAllowed(all, byName("nats"), byName("nats"), 6222)).toBe(true);
    expect(connectionAllowed(all, byName("gateway"), byName("nats"), 6222)).toBe(false);
  });

  it.skipIf(!hasKurrent)("KurrentDB (skipped where the overlay has none) from the services only (not the gateway); gossip and replication between its nodes", () => {
    for (const caller of SERVICES) expect(connectionAllowed(all, byName(caller), byName("kurrentdb"), 2113), caller).toBe(true);
    for (const other of [byName("gateway"), byName("nats"), stranger, monitoring]) expect(connectionAllowed(all, other, byName("kurrentdb"), 2113), other.name).toBe(false);
    expect(connectionAllowed(all, byName("kurrentdb"), byName("kurrentdb"), 1112)).toBe(true);
    expect(connectionAllowed(all, byName("consult"), byName("kurrentdb"), 1112)).toBe(false);
  });

  it("metrics (9464) of the services and the gateway from the monitoring namespace only", () => {
    for (const target of [...SERVICES, "gateway"]) {
      expect(connectionAllowed(all, monitoring, byName(target), 9464), target).toBe(true);
      expect(connectionAllowed(all, stranger, byName(target), 9464), target).toBe(false);
      expect(connectionAllowed(all, pod("prometheus", { app: "prometheus" }, "unlabelled"), byName(target), 9464), target).toBe(false);
    }
  });

  it("the services and the gateway reach the identity provider and PostgreSQL outside the cluster (443, 5432), nothing else out there", () => {
    for (const caller of [...SERVICES, "gateway"]) {
      for (const port of [443, 5432]) expect(connectionAllowed(all, byName(caller), internet, port), `${caller}:${port}`).toBe(true);
      expect(connectionAllowed(all, byName(caller), internet, 22), caller).toBe(false);
    }
    expect(connectionAllowed(all, byName("nats"), internet, 443)).toBe(false);
  });
});
