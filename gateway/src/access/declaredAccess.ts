import { isRole, ROLES, type Role } from "@ihp/platform";
import { Kind, parse } from "../graphqlJs.js";
import type { ConstDirectiveNode, DocumentNode } from "../graphqlJs.js";

/**
 * Who may call an operation, as its field declares it in the SDL (issue 13 item 7): `@public` (anonymous callers
 * too) or `@allow(roles: [...])`. The declaration documents the contract; the services enforce it (deny by default,
 * refusals audited), and tests/e2e/roleMatrix.e2e.test.ts proves that they agree with it, role by role.
 */
export type OperationAccess = { readonly kind: "public" } | { readonly kind: "roles"; readonly roles: readonly Role[] };

/** `Query.institution`, `Mutation.login`, `Subscription.regulatorFeed`: the root type and the field. */
export type OperationName = `${"Query" | "Mutation" | "Subscription"}.${string}`;

export interface DeclaredAccess {
  /** Every root field of the schema, declared or not (undefined), in schema order. */
  readonly operations: ReadonlyMap<OperationName, OperationAccess | undefined>;
  /** Fields without a declaration, with two, with unknown or repeated roles: each one a reason to fail. */
  readonly problems: readonly string[];
}

const ROOTS = new Set(["Query", "Mutation", "Subscription"]);

/** The SDL's AccessRole values are the platform's roles in upper case (PHARMACY_GOVERNANCE ↔ pharmacy_governance). */
export function roleOfAccessRole(value: string): Role | undefined {
  const role = value.toLowerCase();
  return isRole(role) ? role : undefined;
}

export function accessRoleOf(role: Role): string {
  return role.toUpperCase();
}

/** Reads the declarations of every Query, Mutation and Subscription field of a composed SDL (schema + modules). */
export function declaredAccess(sdl: string | DocumentNode): DeclaredAccess {
  const document = typeof sdl === "string" ? parse(sdl) : sdl;
  const operations = new Map<OperationName, OperationAccess | undefined>();
  const problems: string[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === "AccessRole") {
      const values = (definition.values ?? []).map((value) => value.name.value);
      const expected = ROLES.map(accessRoleOf);
      if (values.join() !== expected.join()) problems.push(`enum AccessRole must list the platform's roles ${expected.join(", ")}; it lists ${values.join(", ")}`);
    }
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const root = definition.name.value;
    if (!ROOTS.has(root)) continue;
    for (const field of definition.fields ?? []) {
      const name = `${root}.${field.name.value}` as OperationName;
      const { access, problem } = accessOf(field.directives ?? []);
      if (problem !== undefined) problems.push(`${name}: ${problem}`);
      if (operations.has(name)) problems.push(`${name}: defined twice`);
      operations.set(name, access);
    }
  }
  return { operations, problems };
}

function accessOf(directives: readonly ConstDirectiveNode[]): { access?: OperationAccess; problem?: string } {
  const declared = directives.filter((directive) => directive.name.value === "allow" || directive.name.value === "public");
  if (declared.length === 0) return { problem: "no @allow(roles: [...]) or @public: every operation must declare who may call it (deny by default)" };
  if (declared.length > 1) return { problem: "more than one of @allow / @public" };
  const [directive] = declared as [ConstDirectiveNode];
  if (directive.name.value === "public") return { access: { kind: "public" } };
  const argument = directive.arguments?.find((candidate) => candidate.name.value === "roles");
  const values = argument?.value.kind === Kind.LIST ? argument.value.values : [];
  const roles: Role[] = [];
  for (const value of values) {
    const role = value.kind === Kind.ENUM ? roleOfAccessRole(value.value) : undefined;
    if (role === undefined) return { problem: `@allow names a role the platform does not know` };
    if (roles.includes(role)) return { problem: `@allow names ${role} twice` };
    roles.push(role);
  }
  if (roles.length === 0) return { problem: "@allow with no roles: delete the operation instead" };
  return { access: { kind: "roles", roles: ROLES.filter((role) => roles.includes(role)) } };
}
