import Database from "better-sqlite3";

import type { VerifyResult } from "../eventStore.js";
import type { EventRow } from "./schema.js";
import { verifyRows } from "./verifyRows.js";

/** Verifies a store file read-only, without opening it as a store (no schema changes, no writes). */
export function verifyFile(path: string): VerifyResult {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return verifyRows(db.prepare<[], EventRow>("SELECT * FROM events ORDER BY position").iterate());
  } finally {
    db.close();
  }
}
