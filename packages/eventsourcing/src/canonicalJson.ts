import type { JsonValue } from "./types.js";

/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no white space, numbers and strings as JSON.stringify
 * writes them. Members whose value is undefined are left out (as JSON.stringify does), so a value and its stored,
 * re-parsed copy encode alike. Throws on what JSON cannot carry faithfully (NaN, ±Infinity, bigint, functions).
 * This is the encoding the hash chain and signatures are computed over.
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
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) return `[${value.map((item: unknown) => canonicalJson(item ?? null)).join(",")}]`;
      const record = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const key of Object.keys(record).sort()) {
        const member = record[key];
        if (member === undefined) continue;
        parts.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
      }
      return `{${parts.join(",")}}`;
    }
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not a JSON value`);
  }
}

/** Parses text that canonicalJson wrote. */
export function parseJson<T extends JsonValue = JsonValue>(text: string): T {
  return JSON.parse(text) as T;
}
