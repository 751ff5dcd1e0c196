/** Typed access into parsed XML or JSON for assertions: a missing step gives undefined, never a throw. */
export type Path = readonly (string | number)[];

export function pick(value: unknown, ...path: Path): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** The array at a path ([] when absent or not an array). */
export function list(value: unknown, ...path: Path): unknown[] {
  const found = pick(value, ...path);
  return Array.isArray(found) ? (found as unknown[]) : [];
}

/** Every `reference` string anywhere in a value. */
export function referencesIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value as unknown[]) referencesIn(item, found);
  else if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      if (key === "reference" && typeof inner === "string") found.push(inner);
      else referencesIn(inner, found);
    }
  }
  return found;
}
