// The "restricted" Pod Security Standard (kubernetes.io/docs/concepts/security/pod-security-standards, v1.30), plus
// a read-only root filesystem, which issue 14 demands and the standard does not. Written out here rather than asking a
// cluster's admission controller because the tests run without a cluster; each check is one rule of the profile.

interface SecurityContext {
  readonly privileged?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
  readonly seccompProfile?: { readonly type?: string };
}
interface Container {
  readonly name: string;
  readonly securityContext?: SecurityContext;
  readonly ports?: readonly { readonly hostPort?: number }[];
}
interface PodSpec {
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly securityContext?: SecurityContext;
  readonly containers?: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly volumes?: readonly Record<string, unknown>[];
}
export interface Workload {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec?: {
    readonly template?: { readonly spec?: PodSpec };
    readonly jobTemplate?: { readonly spec?: { readonly template?: { readonly spec?: PodSpec } } };
  };
}

const ALLOWED_VOLUME_TYPES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]);
const ALLOWED_SECCOMP = new Set(["RuntimeDefault", "Localhost"]);

/** The pod template of a workload kind that has one (Deployment, StatefulSet, DaemonSet, Job, CronJob). */
export function podSpecOf(workload: Workload): PodSpec | undefined {
  if (workload.kind === "CronJob") return workload.spec?.jobTemplate?.spec?.template?.spec;
  if (["Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"].includes(workload.kind)) return workload.spec?.template?.spec;
  return undefined;
}

/** Every violation of the restricted profile in one workload, as "<kind>/<name> <container>: <rule>". */
export function restrictedViolations(workload: Workload): string[] {
  const pod = podSpecOf(workload);
  if (pod === undefined) return [];
  const where = `${workload.kind}/${workload.metadata.name}`;
  const found: string[] = [];
  if (pod.hostNetwork === true) found.push(`${where}: hostNetwork`);
  if (pod.hostPID === true) found.push(`${where}: hostPID`);
  if (pod.hostIPC === true) found.push(`${where}: hostIPC`);
  for (const volume of pod.volumes ?? []) {
    const types = Object.keys(volume).filter((key) => key !== "name");
    for (const type of types) if (!ALLOWED_VOLUME_TYPES.has(type)) found.push(`${where}: volume ${String(volume["name"])} of type ${type}`);
  }
  const podContext = pod.securityContext ?? {};
  if (podContext.runAsUser === 0) found.push(`${where}: runAsUser 0`);
  for (const container of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const at = `${where} ${container.name}`;
    const context = container.securityContext ?? {};
    if (context.privileged === true) found.push(`${at}: privileged`);
    if (context.allowPrivilegeEscalation !== false) found.push(`${at}: allowPrivilegeEscalation not false`);
    if (context.readOnlyRootFilesystem !== true) found.push(`${at}: readOnlyRootFilesystem not true`);
    const nonRoot = context.runAsNonRoot ?? podContext.runAsNonRoot;
    if (nonRoot !== true) found.push(`${at}: runAsNonRoot not true`);
    if (context.runAsUser === 0) found.push(`${at}: runAsUser 0`);
    const drop = context.capabilities?.drop ?? [];
    if (!drop.includes("ALL")) found.push(`${at}: capabilities not dropping ALL`);
    for (const added of context.capabilities?.add ?? []) if (added !== "NET_BIND_SERVICE") found.push(`${at}: capability ${added} added`);
    const seccomp = context.seccompProfile?.type ?? podContext.seccompProfile?.type;
    if (seccomp === undefined || !ALLOWED_SECCOMP.has(seccomp)) found.push(`${at}: seccompProfile not RuntimeDefault or Localhost`);
    for (const port of container.ports ?? []) if (port.hostPort !== undefined && port.hostPort !== 0) found.push(`${at}: hostPort ${port.hostPort}`);
  }
  return found;
}
