import { Kind, parse, type DocumentNode, type InputValueDefinitionNode, type TypeNode } from "graphql";

// Syntactically valid arguments for any root field, generated from the composed SDL, so the role matrix reaches the
// services' own gates instead of the gateway's input validation. Only the AST is read (string kinds, no instanceof),
// so this works whichever graphql-js build vitest loads.

export interface OperationCall {
  readonly query: string;
  readonly variables: Record<string, unknown>;
}

/** Values by argument or input-field name; the rest are placeholders of the right type. */
export type KnownValues = Readonly<Record<string, unknown>>;

interface Types {
  readonly inputs: ReadonlyMap<string, readonly InputValueDefinitionNode[]>;
  readonly enums: ReadonlyMap<string, readonly string[]>;
  /** Return types that are objects, unions or interfaces: they need a selection set. */
  readonly composite: ReadonlySet<string>;
  readonly fields: ReadonlyMap<string, { readonly args: readonly InputValueDefinitionNode[]; readonly type: TypeNode }>;
}

function collect(document: DocumentNode): Types {
  const inputs = new Map<string, InputValueDefinitionNode[]>();
  const enums = new Map<string, string[]>();
  const composite = new Set<string>();
  const fields = new Map<string, { args: readonly InputValueDefinitionNode[]; type: TypeNode }>();
  for (const definition of document.definitions) {
    switch (definition.kind) {
      case Kind.INPUT_OBJECT_TYPE_DEFINITION:
      case Kind.INPUT_OBJECT_TYPE_EXTENSION:
        inputs.set(definition.name.value, [...(inputs.get(definition.name.value) ?? []), ...(definition.fields ?? [])]);
        break;
      case Kind.ENUM_TYPE_DEFINITION:
        enums.set(definition.name.value, (definition.values ?? []).map((value) => value.name.value));
        break;
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
        composite.add(definition.name.value);
        if (["Query", "Mutation", "Subscription"].includes(definition.name.value)) {
          for (const field of definition.fields ?? []) {
            fields.set(`${definition.name.value}.${field.name.value}`, { args: field.arguments ?? [], type: field.type });
          }
        }
        break;
      case Kind.UNION_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_DEFINITION:
        composite.add(definition.name.value);
        break;
      default:
        break;
    }
  }
  return { inputs, enums, composite, fields };
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

function printType(type: TypeNode): string {
  switch (type.kind) {
    case Kind.NAMED_TYPE:
      return type.name.value;
    case Kind.LIST_TYPE:
      return `[${printType(type.type)}]`;
    case Kind.NON_NULL_TYPE:
      return `${printType(type.type)}!`;
  }
}

/** Placeholders that pass the services' format checks: ISO dates, RFC 3339 instants, hex hashes, base64, UUIDs. */
function scalarFor(name: string, scalar: string, counter: () => number): unknown {
  if (scalar === "Int" || scalar === "Float") return 1;
  if (scalar === "Boolean") return false;
  if (name === "requestId") return `role-matrix-${counter()}-${crypto.randomUUID()}`;
  if (scalar === "ID" || /Id$/.test(name)) return crypto.randomUUID();
  if (/(At)$/.test(name)) return new Date(Date.now() + 3600_000).toISOString();
  if (/(On|From|Until|Date)$/.test(name)) return new Date().toISOString().slice(0, 10);
  if (/(Sha256|Hash)$/i.test(name)) return "a".repeat(64);
  if (/^(canonicalDocument|value)$/.test(name)) return Buffer.from("role matrix").toString("base64");
  if (name === "jurisdiction") return "national";
  if (name === "purpose") return "role matrix check";
  return "role-matrix-placeholder";
}

/**
 * A generator of calls for every root field of the SDL: required arguments and required input fields only (optional
 * ones are left out), `known` values by name where given, `__typename` as the selection of composite results.
 */
export function operationCalls(sdl: string) {
  const types = collect(parse(sdl));
  let sequence = 0;
  const counter = () => ++sequence;

  function value(name: string, type: TypeNode, known: KnownValues): unknown {
    if (name in known) return known[name];
    if (type.kind === Kind.NON_NULL_TYPE) return value(name, type.type, known);
    if (type.kind === Kind.LIST_TYPE) return [value(name, type.type, known)];
    const typeName = type.name.value;
    const fields = types.inputs.get(typeName);
    if (fields !== undefined) {
      return Object.fromEntries(
        fields.filter((field) => field.type.kind === Kind.NON_NULL_TYPE && field.defaultValue === undefined).map((field) => [field.name.value, value(field.name.value, field.type, known)]),
      );
    }
    const values = types.enums.get(typeName);
    if (values !== undefined) return values[0];
    return scalarFor(name, typeName, counter);
  }

  return {
    operations: [...types.fields.keys()],
    call(operation: string, known: KnownValues = {}): OperationCall {
      const field = types.fields.get(operation);
      if (field === undefined) throw new Error(`${operation} is not in the schema`);
      const [root = "", name = ""] = operation.split(".");
      const required = field.args.filter((arg) => arg.type.kind === Kind.NON_NULL_TYPE && arg.defaultValue === undefined);
      const variables = Object.fromEntries(required.map((arg) => [arg.name.value, value(arg.name.value, arg.type, known)]));
      const declarations = required.map((arg) => `$${arg.name.value}: ${printType(arg.type)}`).join(", ");
      const passed = required.map((arg) => `${arg.name.value}: $${arg.name.value}`).join(", ");
      const selection = types.composite.has(namedType(field.type)) ? " { __typename }" : "";
      const keyword = root === "Query" ? "query" : root === "Mutation" ? "mutation" : "subscription";
      const query = `${keyword} RoleMatrix${declarations === "" ? "" : `(${declarations})`} { ${name}${passed === "" ? "" : `(${passed})`}${selection} }`;
      return { query, variables };
    },
  };
}
