/** Empty proto strings are "not set": null in GraphQL. */
export function orNull(value: string): string | null {
  return value === "" ? null : value;
}
