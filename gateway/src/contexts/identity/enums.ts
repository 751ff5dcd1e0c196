// GraphQL enums are the proto enum names without their prefix (PROFESSION_PHYSICIAN ↔ PHYSICIAN) and without the
// UNSPECIFIED value, which an input cannot name. Output fields carrying them are nullable: a value the service added
// after this gateway was built comes out as null instead of failing the whole response.

/** The GraphQL name of a proto enum value, or null for UNSPECIFIED and values this gateway does not know. */
export function enumName<V>(toJSON: (value: V) => string, prefix: string, value: V): string | null {
  const json = toJSON(value);
  if (!json.startsWith(prefix)) return null;
  const name = json.slice(prefix.length);
  return name === "UNSPECIFIED" ? null : name;
}

/** The proto value of a GraphQL enum name (graphql-js has checked the name against the schema already). */
export function enumValue<V>(fromJSON: (json: string) => V, prefix: string, name: string): V {
  return fromJSON(`${prefix}${name}`);
}

/** Empty proto strings are "not set": null in GraphQL. */
export function orNull(value: string): string | null {
  return value === "" ? null : value;
}
