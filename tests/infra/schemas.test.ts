import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { ConfigMap, Namespace, PersistentVolumeClaim, Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { CAN_RENDER, KUSTOMIZATIONS, renderKustomization } from "./policyRender.js";

// Issue 14 item 2: every object kustomize renders from the base and the overlays is valid against the Kubernetes
// OpenAPI schemas, offline: kubernetes-models ships the schemas and validates with @kubernetes-models/validate (ajv),
// so no cluster (kubectl --dry-run=server) is needed. A kind the table below lacks fails the test rather than going unchecked.

interface Rendered {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string };
}
type Model = new (data: never) => { validate(): void };
const MODELS: Record<string, Model> = {
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "v1/ConfigMap": ConfigMap,
  "v1/Namespace": Namespace,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "v1/Service": Service,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
};

/** The schema errors of one object, or why it could not be checked. */
function schemaErrors(object: Rendered): string[] {
  const model = MODELS[`${object.apiVersion}/${object.kind}`];
  const where = `${object.kind}/${object.metadata.name}`;
  if (model === undefined) return [`${where}: no schema known for ${object.apiVersion} ${object.kind}`];
  try {
    new model(object as never).validate();
    return [];
  } catch (error) {
    return [`${where}: ${(error as Error).message}`];
  }
}

describe("Kubernetes schemas (issue 14 item 2)", () => {
  it("reports an object that breaks its schema (a container without a name, replicas as text)", () => {
    const bad = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "bad" },
      spec: { replicas: "two", selector: { matchLabels: { a: "b" } }, template: { spec: { containers: [{ image: "x" }] } } },
    };
    const errors = schemaErrors(bad);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/replicas/);
    const policy = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "np" }, spec: { podSelector: {}, policyTypes: "Ingress" } };
    expect(schemaErrors(policy)[0]).toMatch(/policyTypes/);
    expect(schemaErrors({ apiVersion: "policy/v1", kind: "Unknown", metadata: { name: "u" } })).toEqual(["Unknown/u: no schema known for policy/v1 Unknown"]);
  });

  it.skipIf(!CAN_RENDER).each(KUSTOMIZATIONS)("every object kustomize renders from infra/k8s/%s is valid", (name) => {
    const rendered = renderKustomization(name);
    expect(rendered.length).toBeGreaterThan(10);
    expect(rendered.flatMap(schemaErrors)).toEqual([]);
  });
});
