import { loadAll } from "js-yaml";
import { describe, expect, it } from "vitest";
import { restrictedViolations, type Workload } from "./podSecurity.js";
import { CAN_RENDER, KUSTOMIZATIONS, renderKustomization } from "./policyRender.js";

// Issue 14 item 2: every pod template the base and the overlays render passes the "restricted" Pod Security Standard. The first test
// shows each check can fail, so a clean result on the rendered base means something.

const violating: Workload = loadAll(`
kind: Deployment
metadata: { name: bad }
spec:
  template:
    spec:
      hostNetwork: true
      hostPID: true
      hostIPC: true
      securityContext: { runAsUser: 0 }
      volumes:
        - { name: host, hostPath: { path: /etc } }
      containers:
        - name: app
          ports: [{ containerPort: 80, hostPort: 80 }]
          securityContext:
            privileged: true
            capabilities: { add: [SYS_ADMIN] }
            seccompProfile: { type: Unconfined }
`)[0] as Workload;

describe("restricted Pod Security Standard (issue 14 item 2)", () => {
  it("reports each violation of a deliberately violating pod template", () => {
    expect(restrictedViolations(violating).sort()).toEqual(
      [
        "Deployment/bad: hostNetwork",
        "Deployment/bad: hostPID",
        "Deployment/bad: hostIPC",
        "Deployment/bad: volume host of type hostPath",
        "Deployment/bad: runAsUser 0",
        "Deployment/bad app: privileged",
        "Deployment/bad app: allowPrivilegeEscalation not false",
        "Deployment/bad app: readOnlyRootFilesystem not true",
        "Deployment/bad app: runAsNonRoot not true",
        "Deployment/bad app: capabilities not dropping ALL",
        "Deployment/bad app: capability SYS_ADMIN added",
        "Deployment/bad app: seccompProfile not RuntimeDefault or Localhost",
        "Deployment/bad app: hostPort 80",
      ].sort(),
    );
  });

  it("checks init containers, StatefulSets, Jobs and CronJobs too, and accepts a compliant template", () => {
    const compliant = {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      containers: [{ name: "c", securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } } }],
    };
    expect(restrictedViolations({ kind: "StatefulSet", metadata: { name: "ok" }, spec: { template: { spec: compliant } } })).toEqual([]);
    const withInit = { ...compliant, initContainers: [{ name: "init" }] };
    for (const kind of ["StatefulSet", "Job"]) {
      expect(restrictedViolations({ kind, metadata: { name: "x" }, spec: { template: { spec: withInit } } })).toContain(
        `${kind}/x init: allowPrivilegeEscalation not false`,
      );
    }
    expect(restrictedViolations({ kind: "CronJob", metadata: { name: "x" }, spec: { jobTemplate: { spec: { template: { spec: withInit } } } } })).toContain(
      "CronJob/x init: capabilities not dropping ALL",
    );
  });

  it.skipIf(!CAN_RENDER).each(KUSTOMIZATIONS)("every pod template kustomize renders from infra/k8s/%s passes", (name) => {
    const rendered = renderKustomization(name) as unknown as Workload[];
    expect(rendered.filter((w) => ["Deployment", "StatefulSet", "Job", "CronJob", "DaemonSet"].includes(w.kind)).length).toBeGreaterThanOrEqual(8);
    expect(rendered.flatMap(restrictedViolations)).toEqual([]);
  });
});
