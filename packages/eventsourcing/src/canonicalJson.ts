/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no white space, numbers and strings as JSON.stringify
 * writes them. Members whose value is undefined are left out (as JSON.stringify does), so a value and its stored,
 * re-parsed copy encode alike. Throws on what JSON cannot carry faithfully (NaN, ±Infinity, bigint, functions).
 * This is the encoding the hash chain and signatures are computed over. Built with string concatenation: it is on
 * the append path of every event.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${String(value)} is not a JSON number`);
      return JSON.stringify(value);
    case "object":
      if (value === null) return "null";
      return Array.isArray(value) ? encodeArray(value) : encodeObject(value as Record<string, unknown>);
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not a JSON value`);
  }
}

function encodeArray(items: readonly unknown[]): string {
  let out = "[";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ",";
    out += canonicalJson(items[i] ?? null);
  }
  return `${out}]`;
}

function encodeObject(record: Record<string, unknown>): string {
  const keys = Object.keys(record).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    out += `${first ? "" : ","}${JSON.stringify(key)}:${canonicalJson(member)}`;
    first = false;
  }
  return `${out}}`;
}
