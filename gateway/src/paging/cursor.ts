import type { DomainError } from "@ihp/eventsourcing";
import { invalidCursor } from "@ihp/platform";

/**
 * A gateway cursor: the service's page cursor plus how many items of that page to skip. Services only return a
 * cursor for the end of a page (ihp.common.v1.PageInfo); Relay wants one per edge, so an edge in the middle of a
 * page is "the page that started at `after`, skipping `skip` items". Opaque to clients (base64url JSON).
 */
export interface Cursor {
  readonly after: string;
  readonly skip: number;
}

export const START: Cursor = { after: "", skip: 0 };

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ a: cursor.after, s: cursor.skip }), "utf8").toString("base64url");
}

export function decodeCursor(text: string, maxSkip: number): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  const { a, s } = (parsed ?? {}) as { a?: unknown; s?: unknown };
  if (typeof a !== "string" || typeof s !== "number" || !Number.isInteger(s) || s < 0 || s > maxSkip) throw invalid();
  return { after: a, skip: s };
}

/** The platform's code for a bad page cursor: a client cannot tell (and need not care) whether the gateway's wrapper
 * or the service's cursor inside it was damaged. */
function invalid(): DomainError {
  return invalidCursor();
}
