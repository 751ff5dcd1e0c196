import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { buildMatrix } from "./matrix.js";

// `npm run compliance` rewrites docs/compliance-matrix.md; `npm run compliance -- --check` only compares (exit 1).
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const target = join(root, "docs", "compliance-matrix.md");
const fresh = buildMatrix(root);

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {
    // missing file: reported as out of date below
  }
  if (current !== fresh) {
    console.error("docs/compliance-matrix.md is out of date; run: npm run compliance");
    process.exit(1);
  }
  console.log("docs/compliance-matrix.md is up to date");
} else {
  writeFileSync(target, fresh);
  console.log("wrote docs/compliance-matrix.md");
}
