import type { K8sObject } from "./policyRender.js";

// A small evaluator of Kubernetes NetworkPolicies (networking.k8s.io/v1) over rendered objects, enough to check what
// issue 14 asks of the manifests without a cluster: which pods a default-deny selects, whether a port a pod listens on
// is opened by some policy, and whether traffic from one endpoint to another is allowed in both directions (the
// source's egress and the target's ingress). Supported: podSelector / namespaceSelector (matchLabels, matchExpressions
// In, NotIn, Exists, DoesNotExist), ipBlock (any address outside the cluster), numeric and named ports.

interface Requirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values?: readonly string[];
}
export interface LabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: readonly Requirement[];
}
interface Peer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string };
}
interface PolicyPort {
  readonly protocol?: string;
  readonly port?: number | string;
}
interface Rule {
  readonly from?: readonly Peer[];
  readonly to?: readonly Peer[];
  readonly ports?: readonly PolicyPort[];
}
interface PolicySpec {
  readonly podSelector: LabelSelector;
  readonly policyTypes?: readonly ("Ingress" | "Egress")[];
  readonly ingress?: readonly Rule[];
  readonly egress?: readonly Rule[];
}

/** A pod of a workload template, a pod elsewhere in the cluster, or an address outside it. */
export type Endpoint =
  | { readonly kind: "pod"; readonly name: string; readonly namespace: string; readonly namespaceLabels: Record<string, string>; readonly labels: Record<string, string>; readonly ports: readonly NamedPort[] }
  | { readonly kind: "external"; readonly name: string };
export interface NamedPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol?: string;
}

/** Whether a label selector matches a label set ({} matches everything). */
export function matches(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  return (
    byLabel &&
    (selector.matchExpressions ?? []).every((requirement) => {
      const value = labels[requirement.key];
      if (requirement.operator === "Exists") return value !== undefined;
      if (requirement.operator === "DoesNotExist") return value === undefined;
      const listed = value !== undefined && (requirement.values ?? []).includes(value);
      return requirement.operator === "In" ? listed : !listed;
    })
  );
}

const policiesOf = (objects: readonly K8sObject[]) => objects.filter((o) => o.kind === "NetworkPolicy");
const specOf = (policy: K8sObject): PolicySpec => policy.spec as unknown as PolicySpec;

function types(spec: PolicySpec): readonly string[] {
  return spec.policyTypes ?? (spec.egress === undefined ? ["Ingress"] : ["Ingress", "Egress"]);
}

/** The pods every Deployment/StatefulSet of the namespace would run, as endpoints. */
export function workloadPods(objects: readonly K8sObject[], namespaceLabels: Record<string, string> = {}): Endpoint[] {
  return objects
    .filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet")
    .map((o) => {
      const template = (o.spec as { template: { metadata?: { labels?: Record<string, string> }; spec: { containers: { ports?: NamedPort[] }[] } } }).template;
      const namespace = o.metadata.namespace ?? "default";
      return {
        kind: "pod" as const,
        name: `${o.kind}/${o.metadata.name}`,
        namespace,
        namespaceLabels: { "kubernetes.io/metadata.name": namespace, ...namespaceLabels },
        labels: template.metadata?.labels ?? {},
        ports: template.spec.containers.flatMap((c) => c.ports ?? []),
      };
    });
}

function policiesSelecting(objects: readonly K8sObject[], pod: Endpoint & { kind: "pod" }, type: "Ingress" | "Egress"): K8sObject[] {
  return policiesOf(objects).filter(
    (p) => (p.metadata.namespace ?? "default") === pod.namespace && types(specOf(p)).includes(type) && matches(specOf(p).podSelector, pod.labels),
  );
}

function peerMatches(peer: Peer, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock !== undefined) return other.kind === "external";
  if (other.kind === "external") return false;
  const namespaceOk = peer.namespaceSelector === undefined ? other.namespace === policyNamespace : matches(peer.namespaceSelector, other.namespaceLabels);
  return namespaceOk && matches(peer.podSelector ?? {}, other.labels);
}

function portMatches(ports: readonly PolicyPort[] | undefined, target: Endpoint, port: number, protocol: string): boolean {
  if (ports === undefined || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? "TCP") !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === "number") return p.port === port;
    return target.kind === "pod" && target.ports.some((named) => named.name === p.port && named.containerPort === port);
  });
}

function ruleAllows(rules: readonly Rule[] | undefined, direction: "from" | "to", namespace: string, peer: Endpoint, target: Endpoint, port: number, protocol: string): boolean {
  return (rules ?? []).some((rule) => {
    const peers = rule[direction];
    const peerOk = peers === undefined || peers.length === 0 || peers.some((candidate) => peerMatches(candidate, namespace, peer));
    return peerOk && portMatches(rule.ports, target, port, protocol);
  });
}

/** Whether `to` accepts `from` on the port: no policy isolates it for ingress, or one of those that do allows it. */
export function ingressAllowed(objects: readonly K8sObject[], from: Endpoint, to: Endpoint, port: number, protocol = "TCP"): boolean {
  if (to.kind === "external") return true;
  const isolating = policiesSelecting(objects, to, "Ingress");
  return isolating.length === 0 || isolating.some((p) => ruleAllows(specOf(p).ingress, "from", to.namespace, from, to, port, protocol));
}

/** Whether `from` may send to `to` on the port: no policy isolates it for egress, or one of those that do allows it. */
export function egressAllowed(objects: readonly K8sObject[], from: Endpoint, to: Endpoint, port: number, protocol = "TCP"): boolean {
  if (from.kind === "external") return true;
  const isolating = policiesSelecting(objects, from, "Egress");
  return isolating.length === 0 || isolating.some((p) => ruleAllows(specOf(p).egress, "to", from.namespace, to, to, port, protocol));
}

/** Both ends agree: the connection from `from` to `to` on the port is allowed. */
export function connectionAllowed(objects: readonly K8sObject[], from: Endpoint, to: Endpoint, port: number, protocol = "TCP"): boolean {
  return egressAllowed(objects, from, to, port, protocol) && ingressAllowed(objects, from, to, port, protocol);
}

/**
 * Every pod is selected by a default-deny (a policy of both types with an empty pod selector and no rule), and every
 * port it listens on is opened to someone by an ingress policy selecting it.
 */
export function coverageViolations(objects: readonly K8sObject[]): string[] {
  const found: string[] = [];
  for (const pod of workloadPods(objects)) {
    if (pod.kind !== "pod") continue;
    const denies = policiesOf(objects).filter((p) => {
      const spec = specOf(p);
      return (
        (p.metadata.namespace ?? "default") === pod.namespace &&
        matches(spec.podSelector, pod.labels) &&
        types(spec).includes("Ingress") &&
        types(spec).includes("Egress") &&
        (spec.ingress ?? []).length === 0 &&
        (spec.egress ?? []).length === 0
      );
    });
    if (denies.length === 0) found.push(`${pod.name}: no default-deny policy (ingress and egress) selects it`);
    for (const port of pod.ports) {
      const protocol = port.protocol ?? "TCP";
      const opened = policiesSelecting(objects, pod, "Ingress").some((p) =>
        (specOf(p).ingress ?? []).some((rule) => portMatches(rule.ports, pod, port.containerPort, protocol)),
      );
      if (!opened) found.push(`${pod.name}: no policy allows ingress to port ${port.name ?? port.containerPort} (${port.containerPort})`);
    }
  }
  return found;
}
