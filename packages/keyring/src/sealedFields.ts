import type { JsonObject, JsonValue } from "@ihp/eventsourcing";
import { KeyRingError } from "./errors.js";

// The sealed store's handling of an event's sealed values: the header naming each value's key and event, and the
// copy of an event's data with the values at the policy's field paths mapped (sealed or opened).

/** The fences' map key of a subject and class, remembering the last (an event's values, a stream's events share one). */
export function lastFenceKey(): (subject: string, retentionClass: string) => string {
  let last: { subject: string; retentionClass: string; key: string } | undefined;
  return (subject, retentionClass) => {
    if (last?.subject !== subject || last.retentionClass !== retentionClass) last = { subject, retentionClass, key: JSON.stringify([subject, retentionClass]) };
    return last.key;
  };
}

/** What a header names, remembering the last one parsed: an event's sealed values share their header. */
export const headers = {
  last: undefined as { readonly header: string; readonly parsed: ParsedHeader; readonly retentionClass: string; readonly generation: number } | undefined,
  parse(header: string): { readonly parsed: ParsedHeader; readonly retentionClass: string; readonly generation: number } {
    if (this.last?.header !== header) {
      const parsed = parseHeader(header);
      this.last = { header, parsed, ...splitClass(parsed[1]) };
    }
    return this.last;
  },
};

type ParsedHeader = readonly [string, string, string, string, string, number];

function parseHeader(header: string): ParsedHeader {
  try {
    const parsed = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(parsed) && parsed.length === 6 && parsed.slice(0, 5).every((part) => typeof part === "string") && typeof parsed[5] === "number") {
      return parsed as [string, string, string, string, string, number];
    }
  } catch {
    // fall through
  }
  throw new KeyRingError("SEALED_VALUE_REJECTED", "sealed value has no readable header");
}

function splitClass(keyClass: string): { retentionClass: string; generation: number } {
  const match = /^(.*)#([1-9][0-9]*)$/.exec(keyClass);
  return match === null ? { retentionClass: keyClass, generation: 1 } : { retentionClass: match[1] ?? "", generation: Number(match[2]) };
}

/** One step of a field path: a member, or (`name[]`) each item of an array member. */
interface Step {
  readonly key: string;
  readonly many: boolean;
}

/** Paths as steps, parsed once per path (a policy names a few dozen). */
const parsedPaths = new Map<string, readonly Step[]>();

function stepsOf(path: string): readonly Step[] {
  let steps = parsedPaths.get(path);
  if (steps === undefined) {
    steps = path.split(".").map((step) => (step.endsWith("[]") ? { key: step.slice(0, -2), many: true } : { key: step, many: false }));
    if (parsedPaths.size >= 10_000) parsedPaths.clear();
    parsedPaths.set(path, steps);
  }
  return steps;
}

/**
 * A copy of `data` with every value at the given paths replaced by `map(value)`; `data` is left as it was. Only the
 * objects and arrays on the way to a mapped value are copied (issue 15: a structuredClone of the whole data was most
 * of the cost of sealing or opening an event); the rest is shared with `data`, as the stores share an event's objects
 * between its readers.
 */
export async function mapFields(data: JsonObject, paths: readonly string[], map: (value: JsonValue) => Promise<JsonValue>): Promise<JsonObject> {
  const copy = { ...data };
  const copies = new Set<object>([copy]);
  for (const path of paths) await mapPath(copy, stepsOf(path), 0, map, copies);
  return copy;
}

/** Maps the path from `steps[at]` on, below `node` (a copy of this result's: it may be changed). */
async function mapPath(node: JsonValue, steps: readonly Step[], at: number, map: (value: JsonValue) => Promise<JsonValue>, copies: Set<object>): Promise<void> {
  const step = steps[at];
  if (step === undefined || node === null || typeof node !== "object" || Array.isArray(node)) return;
  const last = at === steps.length - 1;
  const value = node[step.key];
  if (value === undefined || value === null) return;
  if (step.many) {
    if (!Array.isArray(value)) return;
    const items = ownCopy(value, copies);
    node[step.key] = items;
    for (let index = 0; index < items.length; index += 1) {
      const item = items[index] as JsonValue;
      if (last) {
        items[index] = await map(item);
      } else {
        const own = ownCopy(item, copies);
        items[index] = own;
        await mapPath(own, steps, at + 1, map, copies);
      }
    }
    return;
  }
  if (last) {
    node[step.key] = await map(value);
  } else {
    const own = ownCopy(value, copies);
    node[step.key] = own;
    await mapPath(own, steps, at + 1, map, copies);
  }
}

/** `value` when it is a primitive or already this result's own copy, else a shallow copy of it (now this result's). */
function ownCopy<T extends JsonValue>(value: T, copies: Set<object>): T {
  if (value === null || typeof value !== "object" || copies.has(value)) return value;
  const copy = (Array.isArray(value) ? [...value] : { ...value }) as T;
  copies.add(copy as object);
  return copy;
}
