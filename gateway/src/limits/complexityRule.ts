import {
  type ASTVisitor,
  BREAK,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  GraphQLError,
  type GraphQLNamedType,
  type GraphQLSchema,
  isAbstractType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  visit,
} from "../graphqlJs.js";
import { GatewayError } from "../errors/gatewayError.js";
import type { GatewayErrorCode } from "../errors/gatewayErrors.js";
import type { Limits } from "./limits.js";

interface Frame {
  readonly selectionSet: SelectionSetNode;
  readonly parent: GraphQLNamedType | undefined;
  readonly depth: number;
  /** Fragments being expanded above this set, so a cycle (reported by graphql-js's own rule) is not followed. */
  readonly fragments: ReadonlySet<string>;
}

/** What the measurement needs from a document: the schema and the fragments by name. */
interface Document {
  readonly schema: GraphQLSchema;
  fragment(name: string): FragmentDefinitionNode | undefined;
}

/** Variable values of the request; undefined while validating (mercurius caches validation per document text). */
type Variables = Readonly<Record<string, unknown>> | undefined;

/**
 * Depth, field count, alias count and cost of each operation, as a validation rule. Depth, fields and aliases walk
 * an explicit stack (no recursion) that expands fragments and stops at the first limit exceeded, so fragments that
 * multiply each other cannot make it run long: every step counts against maxFields. The cost is then priced over
 * the same, now bounded, tree.
 *
 * While validating, a page size given as a variable is priced at its smallest (1): the values are not known yet,
 * and mercurius caches a validated document for every value. `operationCost` prices it again with the request's
 * values before execution (server.ts, preExecution; the WebSocket guard).
 */
export function complexityRule(limits: Limits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const document: Document = { schema: context.getSchema(), fragment: (name) => context.getFragment(name) ?? undefined };
      const refusal = measure(document, operation, limits, undefined);
      if (refusal !== undefined) {
        context.reportError(new GraphQLError(refusal.message, { nodes: [operation], originalError: refusal }));
      }
      return false;
    },
  });
}

/**
 * The cost refusal of an operation priced with the request's variable values, if it is too expensive. Only a page
 * size given as a variable can price differently from validation, which refused or admitted the same document with
 * those at 1: a document without one is not priced again (issue 15: this was ≈3.5% of an anonymous query's CPU).
 */
export function operationCostRefusal(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Variables,
  limits: Limits,
): GatewayError | undefined {
  if (!hasVariablePageSize(document)) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return measure({ schema, fragment: (name) => fragments.get(name) }, operation, limits, variables ?? {});
}

// Per parsed document: mercurius hands the same DocumentNode for a text it has cached.
const variablePageSizes = new WeakMap<DocumentNode, boolean>();

/** Whether a `first` anywhere in the document (operations and fragments) is a variable. */
function hasVariablePageSize(document: DocumentNode): boolean {
  let found = variablePageSizes.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      Argument(argument) {
        if (argument.name.value !== "first" || argument.value.kind !== Kind.VARIABLE) return undefined;
        found = true;
        return BREAK;
      },
    });
    variablePageSizes.set(document, found);
  }
  return found;
}

function measure(document: Document, operation: OperationDefinitionNode, limits: Limits, variables: Variables): GatewayError | undefined {
  const { schema } = document;
  const root =
    operation.operation === OperationTypeNode.QUERY
      ? schema.getQueryType()
      : operation.operation === OperationTypeNode.MUTATION
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  const shapeRefusal = measureShape(document, operation, root ?? undefined, limits);
  if (shapeRefusal !== undefined) return shapeRefusal;
  const pricing = new Pricing(document, limits, variables, operation);
  const cost = pricing.selectionSet(operation.selectionSet, root ?? undefined, 1, false, new Set());
  return cost > limits.maxCost ? new GatewayError("QUERY_TOO_COMPLEX", { limit: limits.maxCost }) : undefined;
}

function measureShape(document: Document, operation: OperationDefinitionNode, root: GraphQLNamedType | undefined, limits: Limits): GatewayError | undefined {
  const { schema } = document;
  let fields = 0;
  let aliases = 0;
  const stack: Frame[] = [{ selectionSet: operation.selectionSet, parent: root, depth: 0, fragments: new Set() }];
  const refuse = (code: GatewayErrorCode, limit: number): GatewayError => new GatewayError(code, { limit });

  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    for (const selection of frame.selectionSet.selections) {
      fields += 1;
      if (fields > limits.maxFields) return refuse("QUERY_TOO_COMPLEX", limits.maxFields);
      switch (selection.kind) {
        case Kind.FIELD: {
          const depth = frame.depth + 1;
          if (depth > limits.maxDepth) return refuse("QUERY_TOO_DEEP", limits.maxDepth);
          if (selection.alias !== undefined) {
            aliases += 1;
            if (aliases > limits.maxAliases) return refuse("QUERY_TOO_COMPLEX", limits.maxAliases);
          }
          if (selection.selectionSet !== undefined) {
            const type = fieldDefinition(frame.parent, selection)?.type;
            stack.push({ selectionSet: selection.selectionSet, parent: type === undefined ? undefined : getNamedType(type), depth, fragments: frame.fragments });
          }
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
          const fragment = document.fragment(name);
          if (fragment === undefined || frame.fragments.has(name)) break;
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

/**
 * Each field costs 1 × the page sizes (`first`) and assumed list sizes above it. On a union or interface, the
 * fragments for different object types are alternatives (an entry is one of them), so they cost the most expensive
 * branch, not their sum. Recursive, but only over a tree measureShape has bounded in depth and size.
 */
class Pricing {
  constructor(
    private readonly document: Document,
    private readonly limits: Limits,
    private readonly variables: Variables,
    private readonly operation: OperationDefinitionNode,
  ) {}

  selectionSet(set: SelectionSetNode, parent: GraphQLNamedType | undefined, multiplier: number, sized: boolean, fragments: ReadonlySet<string>): number {
    let common = 0;
    const branches = new Map<string, number>();
    const addBranch = (typeName: string | undefined, inner: SelectionSetNode, innerFragments: ReadonlySet<string>): void => {
      const type = typeName === undefined ? parent : (this.document.schema.getType(typeName) ?? undefined);
      const cost = this.selectionSet(inner, type, multiplier, sized, innerFragments);
      // Only a narrowing from an abstract parent to one object type is an alternative; anything else always applies.
      if (typeName !== undefined && parent !== undefined && isAbstractType(parent) && type !== undefined && isObjectType(type)) {
        branches.set(typeName, (branches.get(typeName) ?? 0) + cost);
      } else {
        common += cost;
      }
    };
    for (const selection of set.selections) {
      switch (selection.kind) {
        case Kind.FIELD:
          common += this.field(selection, parent, multiplier, sized, fragments);
          break;
        case Kind.INLINE_FRAGMENT:
          addBranch(selection.typeCondition?.name.value, selection.selectionSet, fragments);
          break;
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const fragment = this.document.fragment(name);
          if (fragment === undefined || fragments.has(name)) break;
          addBranch(fragment.typeCondition.name.value, fragment.selectionSet, new Set([...fragments, name]));
          break;
        }
      }
    }
    return common + Math.max(0, ...branches.values());
  }

  private field(field: FieldNode, parent: GraphQLNamedType | undefined, multiplier: number, sized: boolean, fragments: ReadonlySet<string>): number {
    // Introspection is schema data: bounded by depth and field count, not priced.
    if (field.name.value.startsWith("__")) return 0;
    if (field.selectionSet === undefined) return multiplier;
    const definition = fieldDefinition(parent, field);
    // Unknown fields are reported by graphql-js's own rules; their children are still counted, priced as one.
    const type = definition?.type;
    const first = this.pageSize(field, definition?.args.some((arg) => arg.name === "first") ?? false);
    const isList = type !== undefined && isListType(getNullableType(type));
    const factor = first ?? (isList && !sized ? this.limits.assumedListSize : 1);
    const child = type === undefined ? undefined : getNamedType(type);
    return multiplier + this.selectionSet(field.selectionSet, child, multiplier * factor, first !== undefined, fragments);
  }

  /**
   * The page a connection field asks for: its `first` (a literal, or the variable's value, its default, or the
   * default page), clamped to 1…maxPageSize (larger pages are refused by the resolvers). While validating, a
   * variable counts as 1. Undefined for fields that take no `first`.
   */
  private pageSize(field: FieldNode, paged: boolean): number | undefined {
    if (!paged) return undefined;
    const { limits } = this;
    const clamp = (value: number): number => Math.max(1, Math.min(Math.trunc(value), limits.maxPageSize));
    const argument = field.arguments?.find((candidate) => candidate.name.value === "first");
    if (argument === undefined) return limits.defaultPageSize;
    const { value } = argument;
    if (value.kind === Kind.INT) return clamp(Number.parseInt(value.value, 10));
    if (value.kind !== Kind.VARIABLE) return limits.defaultPageSize;
    if (this.variables === undefined) return 1;
    const given = this.variables[value.name.value];
    if (typeof given === "number" && Number.isFinite(given)) return clamp(given);
    const declared = this.operation.variableDefinitions?.find((definition) => definition.variable.name.value === value.name.value);
    const fallback = declared?.defaultValue;
    if (given === undefined && fallback?.kind === Kind.INT) return clamp(Number.parseInt(fallback.value, 10));
    return limits.defaultPageSize;
  }
}

function fieldDefinition(parent: GraphQLNamedType | undefined, field: FieldNode) {
  return parent !== undefined && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[field.name.value] : undefined;
}
