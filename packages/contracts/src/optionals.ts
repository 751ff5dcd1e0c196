/** The domain's "not set" (the empty string) as an absent proto3 `optional` field (proto/README.md). */
export const unlessEmpty = (value: string): string | undefined => (value === "" ? undefined : value);
