#!/usr/bin/env node
// ihp-verify-log <store.sqlite> …: walks each embedded event log and checks its hash chain.
// Prints one JSON line per file; exits 1 if any log does not verify, 2 on a usage or I/O error.
import { verifyFile } from "../sqlite/verifyFile.js";

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write("usage: ihp-verify-log <store.sqlite> [more.sqlite …]\n");
  process.exit(2);
}
let exitCode = 0;
for (const file of files) {
  try {
    const result = verifyFile(file);
    const line = result.ok
      ? { file, ok: true, checked: result.checked, lastPosition: result.lastPosition.toString() }
      : { file, ok: false, checked: result.checked, firstBrokenPosition: result.position.toString(), reason: result.reason };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    if (!result.ok) exitCode = Math.max(exitCode, 1);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ file, ok: false, error: (error as Error).message })}\n`);
    exitCode = 2;
  }
}
process.exit(exitCode);
