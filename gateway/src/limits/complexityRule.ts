import {
  type ASTVisitor,
  type FieldNode,
  getNamedType,
  getNullableType,
  GraphQLError,
  type GraphQLNamedType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "../graphqlJs.js";
import { GatewayError } from "../errors/gatewayError.js";
import type { GatewayErrorCode } from "../errors/gatewayErrors.js";
import type { Limits } from "./limits.js";

interface Frame {
  readonly selectionSet: SelectionSetNode;
  readonly parent: GraphQLNamedType | undefined;
  /** Product of the page and list sizes above this selection set. */
  readonly multiplier: number;
  /** The field owning this set had `first`: its list children (edges) are already counted by it. */
  readonly sized: boolean;
  readonly depth: number;
  /** Inside __schema/__type: schema data, bounded by depth and field count but not priced. */
  readonly introspection: boolean;
  /** Fragments being expanded above this set, so a cycle (reported by graphql-js's own rule) is not followed. */
  readonly fragments: ReadonlySet<string>;
}

interface Tally {
  fields: number;
  aliases: number;
  cost: number;
}

/**
 * Depth, field count, alias count and cost of each operation, in one walk that expands fragments. The walk uses an
 * explicit stack (no recursion) and stops at the first limit exceeded, so fragments that multiply each other cannot
 * make it run long: every step counts against maxFields.
 */
export function complexityRule(limits: Limits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const refusal = measure(context, operation, limits);
      if (refusal !== undefined) {
        context.reportError(
          new GraphQLError(refusal.message, { nodes: [operation], originalError: refusal }),
        );
      }
      return false;
    },
  });
}

function measure(context: ValidationContext, operation: OperationDefinitionNode, limits: Limits): GatewayError | undefined {
  const schema = context.getSchema();
  const root =
    operation.operation === OperationTypeNode.QUERY
      ? schema.getQueryType()
      : operation.operation === OperationTypeNode.MUTATION
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  const tally: Tally = { fields: 0, aliases: 0, cost: 0 };
  const stack: Frame[] = [
    {
      selectionSet: operation.selectionSet,
      parent: root ?? undefined,
      multiplier: 1,
      sized: false,
      depth: 0,
      introspection: false,
      fragments: new Set(),
    },
  ];
  const refuse = (code: GatewayErrorCode, limit: number): GatewayError => new GatewayError(code, { limit });

  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    for (const selection of frame.selectionSet.selections) {
      tally.fields += 1;
      if (tally.fields > limits.maxFields) return refuse("QUERY_TOO_COMPLEX", limits.maxFields);
      switch (selection.kind) {
        case Kind.FIELD: {
          const depth = frame.depth + 1;
          if (depth > limits.maxDepth) return refuse("QUERY_TOO_DEEP", limits.maxDepth);
          if (selection.alias !== undefined) {
            tally.aliases += 1;
            if (tally.aliases > limits.maxAliases) return refuse("QUERY_TOO_COMPLEX", limits.maxAliases);
          }
          const introspection = frame.introspection || selection.name.value.startsWith("__");
          if (!introspection) {
            tally.cost += frame.multiplier;
            if (tally.cost > limits.maxCost) return refuse("QUERY_TOO_COMPLEX", limits.maxCost);
          }
          const child = childFrame(frame, selection, depth, introspection, limits);
          if (child !== undefined) stack.push(child);
          break;
        }
        case Kind.INLINE_FRAGMENT: {
          const depth = frame.depth + 1;
          if (depth > limits.maxDepth) return refuse("QUERY_TOO_DEEP", limits.maxDepth);
          const parent = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : frame.parent;
          stack.push({ ...frame, selectionSet: selection.selectionSet, parent: parent ?? undefined, depth });
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const fragment = context.getFragment(name);
          if (fragment === null || fragment === undefined || frame.fragments.has(name)) break;
          stack.push({
            ...frame,
            selectionSet: fragment.selectionSet,
            parent: schema.getType(fragment.typeCondition.name.value) ?? undefined,
            fragments: new Set([...frame.fragments, name]),
          });
          break;
        }
      }
    }
  }
  return undefined;
}

function childFrame(frame: Frame, field: FieldNode, depth: number, introspection: boolean, limits: Limits): Frame | undefined {
  if (field.selectionSet === undefined) return undefined;
  const parent = frame.parent;
  const definition =
    parent !== undefined && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[field.name.value] : undefined;
  // Unknown fields are reported by graphql-js's own rules; their children are still counted, priced as one.
  const type = definition?.type;
  const first = pageSize(field, definition?.args.some((arg) => arg.name === "first") ?? false, limits);
  const isList = type !== undefined && isListType(getNullableType(type));
  const factor = first ?? (isList && !frame.sized ? limits.assumedListSize : 1);
  return {
    selectionSet: field.selectionSet,
    parent: type === undefined ? undefined : getNamedType(type),
    multiplier: frame.multiplier * factor,
    sized: first !== undefined,
    depth,
    introspection,
    fragments: frame.fragments,
  };
}

/**
 * The page a connection field asks for: its `first`, the default page when omitted, the largest page when it is a
 * variable (whose value is not known while validating). Undefined for fields that take no `first`.
 */
function pageSize(field: FieldNode, paged: boolean, limits: Limits): number | undefined {
  if (!paged) return undefined;
  const argument = field.arguments?.find((candidate) => candidate.name.value === "first");
  if (argument === undefined) return limits.defaultPageSize;
  if (argument.value.kind === Kind.INT) {
    const value = Number.parseInt(argument.value.value, 10);
    return Math.max(1, Math.min(value, limits.maxPageSize));
  }
  return limits.maxPageSize;
}
