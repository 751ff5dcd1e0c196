import {
  ConsultCompletedEntry,
  ConsultRefusedEntry,
  ConsultStartedEntry,
  ConsultTerminatedEntry,
  DeliveryDispatchedEntry,
  DeliveryStatusEntry,
  DispensingEntry,
  FeedEntry,
  InstitutionLicenceEntry,
  PrescribedDrug,
  PrescriptionReviewEntry,
  PrescriptionSignedEntry,
  PrescriptionVoidedEntry,
  RegulatorConnectionEntry,
  StaffRecordEntry,
} from "@ihp/contracts/reporting";
import { graphql } from "@ihp/runner";

// What the regulator feed may carry (REP-04, minimum necessary) is what proto/ihp/reporting/v1/feed.proto defines:
// the allow-list here is read from those messages, not written by hand, so a field the gateway adds to a payload
// type, or a value the service puts where the schema has none, fails the check by its name, whatever it is called.

type Message = { create(): object };

/** GraphQL object type → the feed.proto message whose fields it may expose. */
const ALLOWED_BY_TYPE: Readonly<Record<string, Message>> = {
  FeedEntry,
  InstitutionLicenceEntry,
  RegulatorConnectionEntry,
  StaffRecordEntry,
  ConsultStartedEntry,
  ConsultCompletedEntry,
  ConsultTerminatedEntry,
  ConsultRefusedEntry,
  FeedPrescribedDrug: PrescribedDrug,
  PrescriptionSignedEntry,
  PrescriptionVoidedEntry,
  PrescriptionReviewEntry,
  DispensingEntry,
  DeliveryDispatchedEntry,
  DeliveryStatusEntry,
};

export function allowedFields(typeName: string): ReadonlySet<string> | undefined {
  const message = ALLOWED_BY_TYPE[typeName];
  return message === undefined ? undefined : new Set(Object.keys(message.create()));
}

interface TypeRef {
  readonly kind: string;
  readonly name: string | null;
  /** Absent at the depth the introspection query stops at. */
  readonly ofType?: TypeRef | null;
}
interface IntrospectedField {
  readonly name: string;
  readonly args: readonly { readonly name: string }[];
  readonly type: TypeRef;
}
export interface IntrospectedType {
  readonly name: string;
  readonly kind: string;
  readonly fields: readonly IntrospectedField[] | null;
  readonly possibleTypes: readonly { readonly name: string }[] | null;
}

const TYPE_FIELDS = `name kind possibleTypes { name } fields { name args { name } type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } }`;

/** The named types, and every object or union type reachable from them, as the running gateway describes them. */
export async function introspect(url: string, roots: readonly string[]): Promise<Map<string, IntrospectedType>> {
  const types = new Map<string, IntrospectedType>();
  const pending = [...roots];
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (types.has(name)) continue;
    const response = await graphql<{ __type: IntrospectedType | null }>(url, `query ($name: String!) { __type(name: $name) { ${TYPE_FIELDS} } }`, { name });
    const type = response.data?.__type;
    if (type == null) throw new Error(`introspection of ${name} failed: ${JSON.stringify(response.errors)}`);
    types.set(name, type);
    for (const member of type.possibleTypes ?? []) pending.push(member.name);
    for (const field of type.fields ?? []) {
      const named = namedType(field.type);
      if (named.kind === "OBJECT" || named.kind === "UNION" || named.kind === "INTERFACE") pending.push(named.name!);
    }
  }
  return types;
}

function namedType(ref: TypeRef): TypeRef {
  return ref.ofType == null ? ref : namedType(ref.ofType);
}

/** A selection of every field (without arguments) of `typeName`, through unions by inline fragments. */
export function selectEverything(types: ReadonlyMap<string, IntrospectedType>, typeName: string): string {
  const type = types.get(typeName);
  if (type === undefined) throw new Error(`type ${typeName} was not introspected`);
  if (type.kind === "UNION" || type.kind === "INTERFACE") {
    const members = (type.possibleTypes ?? []).map((member) => `... on ${member.name} { ${selectEverything(types, member.name)} }`);
    return `__typename ${members.join(" ")}`;
  }
  const parts = ["__typename"];
  for (const field of type.fields ?? []) {
    if (field.args.length > 0) continue;
    const named = namedType(field.type);
    parts.push(named.kind === "SCALAR" || named.kind === "ENUM" ? field.name : `${field.name} { ${selectEverything(types, named.name!)} }`);
  }
  return parts.join(" ");
}

/** Every `Type.field` in a response (objects carry __typename) that the type's feed.proto message does not define. */
export function fieldsOutsideAllowList(value: unknown, path = "$"): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => fieldsOutsideAllowList(item, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  const object = value as Record<string, unknown>;
  const typeName = typeof object["__typename"] === "string" ? object["__typename"] : undefined;
  const allowed = typeName === undefined ? undefined : allowedFields(typeName);
  const outside: string[] = [];
  for (const [key, child] of Object.entries(object)) {
    if (key === "__typename") continue;
    if (typeName !== undefined && allowed === undefined) outside.push(`${path}: type ${typeName} has no feed.proto message`);
    else if (allowed !== undefined && !allowed.has(key)) outside.push(`${path}.${key} (${typeName})`);
    outside.push(...fieldsOutsideAllowList(child, `${path}.${key}`));
  }
  return [...new Set(outside)];
}

/** Which of the secrets (name → text) occur anywhere in the text. */
export function leakedSecrets(text: string, secrets: Readonly<Record<string, string>>): string[] {
  return Object.entries(secrets).flatMap(([name, secret]) => (text.includes(secret) ? [name] : []));
}

/** Reads the whole feed the token may see, page by page (the gateway's cost limit allows about 20 full entries). */
export async function readWholeFeed(url: string, token: string, selection: string): Promise<unknown[]> {
  const nodes: unknown[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page++) {
    const response: Awaited<ReturnType<typeof graphql<{ regulatorFeed: { edges: { node: unknown }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>>> =
      await graphql(
        url,
        `query ($after: String) { regulatorFeed(first: 20, after: $after) { edges { node { ${selection} } } pageInfo { hasNextPage endCursor } } }`,
        { after },
        token,
      );
    const feed = response.data?.regulatorFeed;
    if (response.errors !== undefined || feed === undefined) throw new Error(`feed read failed: ${JSON.stringify(response.errors)}`);
    nodes.push(...feed.edges.map((edge) => edge.node));
    if (!feed.pageInfo.hasNextPage) return nodes;
    after = feed.pageInfo.endCursor;
  }
  throw new Error("the feed did not end within 50 pages");
}
