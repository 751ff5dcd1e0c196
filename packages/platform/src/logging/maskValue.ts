import { isSensitiveKey } from "./sensitiveKeys.js";

export const REDACTED = "[REDACTED]";
const MAX_DEPTH = 10;

/**
 * Personal data that shows up inside free text (messages, error texts, stack traces) rather than under a telling key.
 * Patterns are strict enough not to eat ids, timestamps or hashes: an 18-character 身份证 number with a plausible birth
 * date, an 11-digit mainland mobile number standing alone, JWTs and bearer credentials.
 */
const TEXT_PATTERNS: readonly RegExp[] = [
  /(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g,
  /(?<![0-9A-Za-z+])(?:\+?86[- ]?)?1[3-9]\d{9}(?![0-9A-Za-z])/g,
  /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g,
  /\bBearer\s+[\w\-.~+/=]+/gi,
];

export function maskText(text: string): string {
  let masked = text;
  for (const pattern of TEXT_PATTERNS) masked = masked.replace(pattern, REDACTED);
  return masked;
}

/**
 * A copy of `value` safe to log: values under sensitive keys replaced at any depth, free text scanned for ID
 * numbers, phone numbers and tokens, errors flattened so their own fields are masked too.
 */
export function maskValue(value: unknown): unknown {
  return mask(value, 0, new WeakSet<object>());
}

function mask(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return maskText(value);
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Date) return value;
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (seen.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Truncated]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => mask(item, depth + 1, seen));
    if (value instanceof Error) return maskError(value, depth, seen);
    if (value instanceof Map || value instanceof Set) return `[${value.constructor.name} of ${value.size}]`;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      out[key] = isSensitiveKey(key) ? REDACTED : mask(child, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

// Mirrors pino's error serializer (type, message, stack, own fields, cause) so masked errors still read as errors.
function maskError(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: error.name,
    message: maskText(error.message),
  };
  if (error.stack !== undefined) out["stack"] = maskText(error.stack);
  for (const [key, child] of Object.entries(error)) {
    if (key === "name" || key === "message" || key === "stack") continue;
    out[key] = isSensitiveKey(key) ? REDACTED : mask(child, depth + 1, seen);
  }
  if (error.cause !== undefined) out["cause"] = mask(error.cause, depth + 1, seen);
  return out;
}
