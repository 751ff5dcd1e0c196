/**
 * Proto enums (string enums, proto/README.md) and the names the domain and GraphQL use: the value without its
 * prefix — CONSULT_STATUS_WAITING ⇄ WAITING. Both directions are checked at compile time: a proto value without a
 * GraphQL name, or a GraphQL name without a proto value, does not compile where the two meet.
 */

/** The names of an enum's values without `Prefix`; UNSPECIFIED and UNRECOGNIZED are not names. */
export type EnumName<Value extends string, Prefix extends string> = Value extends unknown
  ? `${Value}` extends `${Prefix}${infer Name}`
    ? Name extends "UNSPECIFIED"
      ? never
      : Name
    : never
  : never;

/** The name of a proto value: null for UNSPECIFIED (not set) and UNRECOGNIZED (a value this build does not know). */
export function enumName<Value extends string, Prefix extends string>(prefix: Prefix, value: Value): EnumName<Value, Prefix> | null {
  if (!value.startsWith(prefix)) return null;
  const name = value.slice(prefix.length);
  return name === "UNSPECIFIED" ? null : (name as EnumName<Value, Prefix>);
}

/**
 * The proto value of a name (a GraphQL enum value, a domain status): `enumValue(ConsultStatus, "CONSULT_STATUS_",
 * "WAITING")`. A name the enum lacks is a compile error.
 */
export function enumValue<Value extends string, Prefix extends string>(
  values: Readonly<Record<string, Value>>,
  prefix: Prefix,
  name: EnumName<Value, Prefix>,
): Value {
  const value = `${prefix}${name}`;
  if (!(value in values)) throw new Error(`${value} is not a value of this enum`);
  return value as Value;
}

/** The proto value of a name kept as a plain string (a read model's column); UNSPECIFIED when the enum has no such name. */
export function enumValueOf<Value extends string>(values: Readonly<Record<string, Value>>, prefix: string, name: string): Value {
  return values[`${prefix}${name}`] ?? (`${prefix}UNSPECIFIED` as Value);
}
