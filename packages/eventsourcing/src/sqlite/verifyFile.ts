import Database from "better-sqlite3";

import { type AnchorOptions, checkAnchors } from "../checkpoints/anchors.js";
import type { VerifyResult } from "../eventStore.js";
import type { EventRow } from "./schema.js";
import { verifyRows } from "./verifyRows.js";

/**
 * Verifies a store file read-only, without opening it as a store (no schema changes, no writes). With `anchors`, the
 * log is also checked against signed checkpoints (see verifyRows); a checkpoint that does not verify under the trusted
 * key fails the verification (CHECKPOINT_INVALID).
 *
 * A file cut short at the byte level reads as corrupt from some page on, or as having no events table at all. With
 * checkpoints, what could be read is verified and a checkpoint beyond it gives LOG_TRUNCATED at the first position that
 * could not be read; when that names no failure (or there are no checkpoints) the read error is thrown as before.
 */
export function verifyFile(path: string, anchors?: AnchorOptions): VerifyResult {
  let anchorList;
  if (anchors !== undefined) {
    const checked = checkAnchors(anchors);
    if (!checked.ok) return checked.result;
    anchorList = checked.anchors;
  }
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    let unreadable: Error | undefined;
    const rows = function* (): Generator<EventRow> {
      try {
        yield* db.prepare<[], EventRow>("SELECT * FROM events ORDER BY position").iterate();
      } catch (error) {
        if (!isCutShort(error)) throw error;
        unreadable = error as Error;
      }
    };
    const result = verifyRows(rows(), anchorList);
    if (unreadable !== undefined && (result.ok || anchorList === undefined)) throw unreadable;
    return result;
  } finally {
    db.close();
  }
}

/** What SQLite says about a file whose end is missing: pages past the end are corrupt, or the schema page is gone. */
function isCutShort(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === "SQLITE_CORRUPT" || (code === "SQLITE_ERROR" && message === "no such table: events");
}
