import { Kind, parse, print, visit } from "../graphqlJs.js";
import type { FieldDefinitionNode, StringValueNode } from "../graphqlJs.js";
import { declaredAccess, type OperationAccess } from "./declaredAccess.js";

const ROOTS = new Set(["Query", "Mutation", "Subscription"]);

function sentence(access: OperationAccess): string {
  if (access.kind === "public") return "Who may call it: anyone, anonymous callers too (@public).";
  return `Who may call it: ${access.roles.join(", ")} (@allow; the service also checks the relationship described above).`;
}

/**
 * The SDL as served: each root field's description ends with its declared roles. Applied directives are invisible to
 * introspection, so without this a front-end reading the schema in GraphiQL would not see who may call what.
 */
export function describeAccess(sdl: string): string {
  const document = parse(sdl);
  const { operations } = declaredAccess(document);
  let root: string | undefined;
  const described = visit(document, {
    ObjectTypeDefinition: { enter: (node) => void (root = node.name.value), leave: () => void (root = undefined) },
    ObjectTypeExtension: { enter: (node) => void (root = node.name.value), leave: () => void (root = undefined) },
    FieldDefinition(node: FieldDefinitionNode): FieldDefinitionNode | undefined {
      if (root === undefined || !ROOTS.has(root)) return undefined;
      const access = operations.get(`${root}.${node.name.value}` as `Query.${string}`);
      if (access === undefined) return undefined;
      const text = [node.description?.value.trim(), sentence(access)].filter((part) => part !== undefined && part !== "").join("\n\n");
      const description: StringValueNode = { kind: Kind.STRING, value: text, block: true };
      return { ...node, description };
    },
  });
  return print(described);
}
