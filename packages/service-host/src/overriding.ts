/**
 * `target` with the methods in `overrides` replaced, everything else as `target` has it. Every read and append of a
 * service goes through such a wrapper (timed appends, audited key events), so a method of the target is bound once
 * and the bound function reused — not bound again on every property access — until the target replaces it.
 */
export function overriding<T extends object>(target: T, overrides: Readonly<Record<string, unknown>>): T {
  const bound = new Map<string | symbol, { readonly of: unknown; readonly fn: unknown }>();
  return new Proxy(target, {
    get(object, property, receiver) {
      if (typeof property === "string" && Object.hasOwn(overrides, property)) return overrides[property];
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== "function") return value;
      const known = bound.get(property);
      if (known !== undefined && known.of === value) return known.fn;
      const fn = (value as (...args: unknown[]) => unknown).bind(object);
      bound.set(property, { of: value, fn });
      return fn;
    },
  });
}
