/**
 * Paths (a.b.c) where two settings objects differ. Arrays and tagged values (objects with `kind`) compare whole,
 * matching how overrides replace them.
 */
export function settingsDiff(a: unknown, b: unknown, path = ""): string[] {
  const plain = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v) && !("kind" in v);
  if (plain(a) && plain(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => settingsDiff(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}
