// A proto3 `optional` field the contract leaves out is GraphQL's null, and back (proto/README.md). One level deep:
// nested messages and lists are the caller's to map.

/** A message's fields with every absent one as null. */
export type AbsentAsNull<T> = { [K in keyof T]-?: undefined extends T[K] ? Exclude<T[K], undefined> | null : T[K] };

/** A GraphQL input's fields with every null as absent. */
export type NullAsAbsent<T> = { [K in keyof T]: null extends T[K] ? Exclude<T[K], null> | undefined : T[K] };

export function absentAsNull<T extends object>(message: T): AbsentAsNull<T> {
  return Object.fromEntries(Object.entries(message).map(([key, value]) => [key, value ?? null])) as AbsentAsNull<T>;
}

export function nullAsAbsent<T extends object>(input: T): NullAsAbsent<T> {
  return Object.fromEntries(Object.entries(input).map(([key, value]) => [key, value ?? undefined])) as NullAsAbsent<T>;
}
