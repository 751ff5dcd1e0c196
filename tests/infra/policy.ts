import { posix } from "node:path";
import type { K8sObject } from "./policyRender.js";

// Issue 14 item 2: what every rendered workload must have beyond the Pod Security Standard (podSecurity.ts): the
// three probes, requests and limits for cpu and memory, topology spread when it has several replicas, key material
// never on an emptyDir, and /metrics where Prometheus's annotations say. Each function returns the violations as
// "<kind>/<name> [<container>]: <rule>", empty when the object complies.

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly fieldRef?: { readonly fieldPath: string } };
}
interface Probe {
  readonly grpc?: object;
  readonly httpGet?: { readonly scheme?: string };
}
interface Container {
  readonly name: string;
  readonly env?: readonly EnvVar[];
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly startupProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly resources?: { readonly requests?: Record<string, string>; readonly limits?: Record<string, string> };
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string }[];
}
interface Volume {
  readonly name: string;
  readonly emptyDir?: object;
  readonly persistentVolumeClaim?: { readonly claimName: string };
  readonly secret?: { readonly secretName: string };
}
interface Selector {
  readonly matchLabels?: Record<string, string>;
}
interface TopologySpread {
  readonly topologyKey: string;
  readonly whenUnsatisfiable: string;
  readonly labelSelector?: Selector;
}
interface PodTemplate {
  readonly metadata?: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly spec: {
    readonly containers: readonly Container[];
    readonly volumes?: readonly Volume[];
    readonly topologySpreadConstraints?: readonly TopologySpread[];
  };
}
interface WorkloadSpec {
  readonly replicas?: number;
  readonly template?: PodTemplate;
  readonly volumeClaimTemplates?: readonly { readonly metadata: { readonly name: string } }[];
}

const WORKLOADS = new Set(["Deployment", "StatefulSet"]);
const PROBES = ["startupProbe", "readinessProbe", "livenessProbe"] as const;

function workloadSpec(object: K8sObject): WorkloadSpec | undefined {
  return WORKLOADS.has(object.kind) ? object.spec : undefined;
}

const where = (object: K8sObject): string => `${object.kind}/${object.metadata.name}`;

const UNITS: Record<string, number> = { "": 1, m: 1e-3, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** A Kubernetes quantity ("250m", "1", "768Mi", "2Gi") as a number; NaN when it is not one. */
export function quantity(text: string | number): number {
  const match = /^(\d+(?:\.\d+)?)(m|k|K|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(text));
  if (match === null) return Number.NaN;
  return Number(match[1]) * (UNITS[match[2] ?? ""] ?? Number.NaN);
}

/** Probes, resources and (with more than one replica) topology spread over zones and nodes. */
export function workloadViolations(object: K8sObject): string[] {
  const spec = workloadSpec(object);
  const template = spec?.template;
  if (spec === undefined || template === undefined) return [];
  const found: string[] = [];
  for (const container of template.spec.containers) {
    const at = `${where(object)} ${container.name}`;
    for (const probe of PROBES) {
      if (container[probe] === undefined) found.push(`${at}: no ${probe}`);
    }
    for (const resource of ["cpu", "memory"]) {
      const request = container.resources?.requests?.[resource];
      const limit = container.resources?.limits?.[resource];
      if (request === undefined) found.push(`${at}: no ${resource} request`);
      if (limit === undefined) found.push(`${at}: no ${resource} limit`);
      if (request !== undefined && limit !== undefined && !(quantity(request) <= quantity(limit))) {
        found.push(`${at}: ${resource} request ${request} above its limit ${limit}`);
      }
    }
  }
  if ((spec.replicas ?? 1) > 1) {
    const labels = template.metadata?.labels ?? {};
    const spreads = (template.spec.topologySpreadConstraints ?? []).filter((constraint) =>
      Object.entries(constraint.labelSelector?.matchLabels ?? { "": "no selector" }).every(([key, value]) => labels[key] === value),
    );
    const zone = spreads.find((constraint) => constraint.topologyKey === "topology.kubernetes.io/zone");
    if (zone === undefined) found.push(`${where(object)}: ${spec.replicas} replicas without a zone topology spread selecting its pods`);
    else if (zone.whenUnsatisfiable !== "ScheduleAnyway") found.push(`${where(object)}: zone spread is ${zone.whenUnsatisfiable}, not ScheduleAnyway`);
    if (!spreads.some((constraint) => constraint.topologyKey === "kubernetes.io/hostname")) {
      found.push(`${where(object)}: ${spec.replicas} replicas without a hostname topology spread selecting its pods`);
    }
  }
  return found;
}

/** A container's variables: the common ConfigMap's, then its own (literal values only). */
function environment(container: Container, common: Record<string, string>): Record<string, string> {
  const own = Object.fromEntries((container.env ?? []).filter((v) => v.value !== undefined).map((v) => [v.name, v.value as string]));
  return { ...common, ...own };
}

export interface KeyPath {
  readonly path: string;
  readonly what: string;
}

/**
 * Where a platform container (one with APP) keeps key material, from its variables and the code's defaults:
 * BUS_TRANSIT_KEY_FILE with NATS_URL (the gateway too), CHECKPOINT_KEY_DIR (required: its default is under $HOME, on the read-only root filesystem), the key ring's master
 * key and wrapped data keys (`<DATA_DIR>/<context>-data-keys.sqlite`) for a service that seals, identity's key folder
 * and practitioner PII key, records' e-seal keys (RECORDS_SEAL_KEY_DIR, required: its default is in DATA_DIR, which a
 * copy of the data carries), and the builtin issuer's key (`<DATA_DIR>/auth`) when AUTH_MODE is builtin. `missing`
 * names each required variable that is not set, with where its default would put the key.
 */
export function keyPaths(env: Record<string, string>, seals: boolean): { paths: KeyPath[]; missing: string[] } {
  const app = env["APP"] ?? "";
  const dataDir = env["DATA_DIR"] ?? "./data";
  const context = env["SERVICE_NAME"] ?? "";
  const paths: KeyPath[] = [];
  const missing: string[] = [];
  const required = (variable: string, what: string, defaultAt = "on the root filesystem"): void => {
    const value = env[variable];
    if (value === undefined) missing.push(`${variable} not set (the default is ${defaultAt})`);
    else paths.push({ path: value, what });
  };
  if ((env["AUTH_MODE"] ?? "builtin") === "builtin") paths.push({ path: posix.join(dataDir, "auth"), what: "builtin issuer key" });
  // Whoever talks to NATS seals and opens bus payloads with the shared transit keys (a Secret, the same for all).
  if (env["NATS_URL"] !== undefined) required("BUS_TRANSIT_KEY_FILE", "bus transit keys");
  if (!app.startsWith("services/")) return { paths, missing };
  required("CHECKPOINT_KEY_DIR", "checkpoint signing keys");
  if (seals) {
    required("KEYRING_MASTER_KEY_FILE", "key ring master key");
    paths.push({ path: posix.join(dataDir, `${context}-data-keys.sqlite`), what: "key ring data keys" });
  }
  if (context === "identity") {
    paths.push({ path: posix.join(dataDir, "identity-keys"), what: "identity key folder" });
    paths.push({ path: env["PRACTITIONER_PII_KEY_FILE"] ?? posix.join(dataDir, "practitioner-pii.key"), what: "practitioner PII key" });
  }
  if (context === "records") required("RECORDS_SEAL_KEY_DIR", "records e-seal keys", "in DATA_DIR, with the data");
  return { paths, missing };
}

/**
 * No key material on an emptyDir or the container's own filesystem: every key path lies on a claim (shared,
 * ReadWriteMany, when a Deployment has several replicas) or a Secret. `sealing` names the contexts whose service
 * seals with the key ring; `all` is the whole rendered set (to read the claims' access modes).
 */
export function keyMaterialViolations(object: K8sObject, all: readonly K8sObject[], sealing: ReadonlySet<string>): string[] {
  const spec = workloadSpec(object);
  const template = spec?.template;
  if (spec === undefined || template === undefined) return [];
  const common = all.find((o) => o.kind === "ConfigMap" && o.metadata.name === "ihp-common")?.data ?? {};
  const found: string[] = [];
  for (const container of template.spec.containers) {
    const env = environment(container, common);
    if (env["APP"] === undefined) continue;
    const at = `${where(object)} ${container.name}`;
    const { paths, missing } = keyPaths(env, sealing.has(env["SERVICE_NAME"] ?? ""));
    for (const reason of missing) found.push(`${at}: ${reason}`);
    for (const { path, what } of paths) {
      const absolute = posix.resolve("/", path);
      const mount = (container.volumeMounts ?? [])
        .filter((m) => absolute === m.mountPath || absolute.startsWith(`${m.mountPath.replace(/\/$/, "")}/`))
        .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
      const volume = template.spec.volumes?.find((v) => v.name === mount?.name);
      const fromTemplate = spec.volumeClaimTemplates?.some((claim) => claim.metadata.name === mount?.name) === true;
      if (mount === undefined) found.push(`${at}: ${what} at ${path} on the container's filesystem`);
      else if (volume?.emptyDir !== undefined) found.push(`${at}: ${what} at ${path} on emptyDir ${volume.name}`);
      else if (volume?.persistentVolumeClaim !== undefined && (spec.replicas ?? 1) > 1 && object.kind === "Deployment") {
        const claim = all.find((o) => o.kind === "PersistentVolumeClaim" && o.metadata.name === volume.persistentVolumeClaim?.claimName);
        const modes = (claim?.spec as { accessModes?: string[] } | undefined)?.accessModes ?? [];
        if (!modes.includes("ReadWriteMany")) found.push(`${at}: ${what} at ${path} on claim ${volume.persistentVolumeClaim.claimName}, not ReadWriteMany`);
      } else if (volume?.persistentVolumeClaim === undefined && volume?.secret === undefined && !fromTemplate) {
        found.push(`${at}: ${what} at ${path} on volume ${mount.name}, neither a claim nor a Secret`);
      }
    }
  }
  return found;
}

/**
 * State a service keeps in SQLite files under DATA_DIR unless READ_MODEL_URL moves it to PostgreSQL: its read models
 * and their projection checkpoints, and (with the key ring) its wrapped data keys. SQLite's locking is not dependable
 * on a network file system, so a Deployment whose replicas share one DATA_DIR claim must set READ_MODEL_URL, and
 * READ_MODEL_SCHEMA so that its tables do not land in the database's default schema. `sqliteState` names the contexts
 * whose service keeps such state (read from the source); a variable counts whether literal, from a Secret or from the
 * common ConfigMap.
 */
export function sharedSqliteViolations(object: K8sObject, common: Record<string, string>, sqliteState: ReadonlySet<string>): string[] {
  const spec = workloadSpec(object);
  const template = spec?.template;
  const replicas = spec?.replicas ?? 1;
  if (object.kind !== "Deployment" || template === undefined || replicas <= 1) return [];
  const found: string[] = [];
  for (const container of template.spec.containers) {
    const env = environment(container, common);
    if (!(env["APP"] ?? "").startsWith("services/") || !sqliteState.has(env["SERVICE_NAME"] ?? "")) continue;
    const names = new Set([...Object.keys(common), ...(container.env ?? []).map((v) => v.name)]);
    const at = `${where(object)} ${container.name}`;
    if (!names.has("READ_MODEL_URL")) found.push(`${at}: ${replicas} replicas would share SQLite read models and data keys in DATA_DIR: READ_MODEL_URL not set`);
    if (!names.has("READ_MODEL_SCHEMA")) found.push(`${at}: READ_MODEL_SCHEMA not set (its read models would land in the database's default schema)`);
  }
  return found;
}

/**
 * Each replica of a service appends its signed checkpoints to its own file in the DATA_DIR they share
 * (`<context>-log-checkpoints.<REPLICA_ID>.jsonl`): appends from several hosts to one file on a network volume can
 * tear. So a Deployment with several replicas of a service that signs checkpoints (`anchoring`: those on the service
 * host) gives its container REPLICA_ID from the pod's name (the downward API); a literal would be every replica's.
 */
export function replicaIdViolations(object: K8sObject, anchoring: ReadonlySet<string>): string[] {
  const spec = workloadSpec(object);
  const replicas = spec?.replicas ?? 1;
  if (object.kind !== "Deployment" || spec?.template === undefined || replicas <= 1) return [];
  const variable = (container: Container, name: string) => container.env?.find((v) => v.name === name);
  return spec.template.spec.containers
    .filter((container) => variable(container, "APP")?.value?.startsWith("services/") === true && anchoring.has(variable(container, "SERVICE_NAME")?.value ?? ""))
    .filter((container) => variable(container, "REPLICA_ID")?.valueFrom?.fieldRef?.fieldPath !== "metadata.name")
    .map((container) => `${where(object)} ${container.name}: ${replicas} replicas share DATA_DIR: REPLICA_ID not set from metadata.name`);
}

/** Prometheus's convention: a platform container's METRICS_PORT is a port named `metrics`, announced by annotations. */
export function metricsViolations(object: K8sObject, common: Record<string, string>): string[] {
  const template = workloadSpec(object)?.template;
  if (template === undefined) return [];
  const found: string[] = [];
  const annotations = template.metadata?.annotations ?? {};
  for (const container of template.spec.containers) {
    const env = environment(container, common);
    if (env["APP"] === undefined) continue;
    const at = `${where(object)} ${container.name}`;
    const port = Number(env["METRICS_PORT"] ?? 9464);
    if (!(container.ports ?? []).some((p) => p.name === "metrics" && p.containerPort === port)) found.push(`${at}: no port "metrics" on METRICS_PORT ${port}`);
    if (annotations["prometheus.io/scrape"] !== "true") found.push(`${at}: no prometheus.io/scrape "true" annotation`);
    if (annotations["prometheus.io/port"] !== String(port)) found.push(`${at}: prometheus.io/port is not METRICS_PORT ${port}`);
    if (annotations["prometheus.io/path"] !== "/metrics") found.push(`${at}: prometheus.io/path is not /metrics`);
  }
  return found;
}

/**
 * Probes that can talk to the port as configured: with GRPC_TLS_* the gRPC port speaks only TLS, which the kubelet's
 * built-in gRPC probe does not (it connects in plaintext, no client certificate), so no `grpc` probe; with
 * GATEWAY_TLS_* the gateway's HTTP port is HTTPS, so every httpGet probe says `scheme: HTTPS`. A variable counts
 * whether it is a literal, from a Secret or from the common ConfigMap.
 */
export function probeTlsViolations(object: K8sObject, common: Record<string, string>): string[] {
  const template = workloadSpec(object)?.template;
  if (template === undefined) return [];
  const found: string[] = [];
  for (const container of template.spec.containers) {
    const names = new Set([...Object.keys(common), ...(container.env ?? []).map((v) => v.name)]);
    const at = `${where(object)} ${container.name}`;
    for (const kind of PROBES) {
      const probe = container[kind];
      if (names.has("GRPC_TLS_CERT_FILE") && probe?.grpc !== undefined) found.push(`${at}: ${kind} is a gRPC probe, but GRPC_TLS_CERT_FILE makes the port TLS-only (the kubelet's gRPC probe is plaintext)`);
      if (names.has("GATEWAY_TLS_CERT_FILE") && probe?.httpGet !== undefined && probe.httpGet.scheme !== "HTTPS") {
        found.push(`${at}: ${kind} asks over HTTP, but GATEWAY_TLS_CERT_FILE makes the port HTTPS`);
      }
    }
  }
  return found;
}
