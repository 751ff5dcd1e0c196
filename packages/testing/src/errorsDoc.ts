import { readFileSync } from "node:fs";
import type { ErrorEntry } from "@ihp/eventsourcing";

/** One error code as ERRORS.md shows it and as the code's table has it (XC-02: the two must agree). */
export interface ErrorRow {
  readonly code: string;
  readonly status: number;
  readonly rule: string;
  readonly en: string;
  readonly zh: string;
}

// | `CODE` | 9 FAILED_PRECONDITION | RULE | when | English | 中文 |
const ROW = /^\| `([A-Z_]+)` \| (\d+) [A-Z_]+ \| ([^|]+) \| [^|]+ \| ([^|]+) \| ([^|]+) \|$/;

/** The rows of a service's ERRORS.md table, in file order. */
export function documentedErrors(errorsMdPath: string): ErrorRow[] {
  return readFileSync(errorsMdPath, "utf8")
    .split("\n")
    .map((line) => ROW.exec(line))
    .filter((match) => match !== null)
    .map(([, code, status, rule, en, zh]) => ({ code: code!, status: Number(status), rule: rule!.trim(), en: en!.trim(), zh: zh!.trim() }));
}

/** The same rows from the code's error table (`statusOf`: the gRPC status of a kind, from @ihp/platform). */
export function errorTableRows(table: Readonly<Record<string, ErrorEntry>>, statusOf: (kind: ErrorEntry["kind"]) => number): ErrorRow[] {
  return Object.entries(table).map(([code, entry]) => ({ code, status: statusOf(entry.kind), rule: entry.ruleId ?? "—", en: entry.en, zh: entry.zh }));
}
