import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Builds docs/compliance-matrix.md from the rule catalogue (docs/rules.json), the source files and the test files.
 * Nothing is written by hand, so the matrix cannot drift from the code: tests/compliance/matrix.test.ts fails when the
 * committed file differs from a fresh build. Output is sorted and has no time stamp, so it is byte-for-byte stable.
 */

export interface RuleEntry {
  readonly id: string;
  readonly rule: string;
  readonly sources: readonly string[];
}

interface Catalogue {
  readonly sources: Record<string, string>;
  readonly citationNote: string;
  readonly areas: Record<string, string>;
  readonly rules: readonly RuleEntry[];
  readonly leftToInstitution: readonly { topic: string; summary: string; sources: readonly string[] }[];
}

export const RULE_ID = /\b(?:IDN|CON|RX|PHA|REC|REP|XC)-\d{2}\b/g;

const SKIPPED_DIRS = new Set(["node_modules", "dist", "gen", ".turbo", "coverage"]);

/** The folders whose .ts files count as enforcing code, and those whose *.test.ts files count as tests. */
const CODE_ROOTS = ["services/*/src", "packages/*/src", "gateway/src", "runner/src"];
const TEST_ROOTS = ["services/*/test", "packages/*/test", "gateway/test", "tests"];
/** The matrix's own test and generator would otherwise count themselves. */
const EXCLUDED = new Set(["tests/compliance"]);

function expand(root: string, pattern: string): string[] {
  const [head, star, ...rest] = pattern.split("/");
  if (star === "*") {
    const base = join(root, head!);
    return listDirs(base)
      .map((name) => [head, name, ...rest].join("/"))
      .filter((candidate) => isDir(join(root, candidate)));
  }
  return isDir(join(root, pattern)) ? [pattern] : [];
}

function listDirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

function isDir(path: string): boolean {
  try {
    readdirSync(path);
    return true;
  } catch {
    return false;
  }
}

function walk(root: string, dir: string, accept: (path: string) => boolean, out: string[]): void {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !EXCLUDED.has(path)) walk(root, path, accept, out);
    } else if (entry.isFile() && accept(path)) {
      out.push(path);
    }
  }
}

function files(root: string, patterns: readonly string[], accept: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const pattern of patterns) for (const dir of expand(root, pattern)) walk(root, dir, accept, out);
  return [...new Set(out)].sort();
}

const isSource = (path: string) => path.endsWith(".ts") && !path.endsWith(".d.ts") && !path.endsWith(".test.ts");
const isTest = (path: string) => path.endsWith(".test.ts");
const isErrorTable = (path: string) => /[Ee]rrors\.ts$/.test(path);

/**
 * Titles of it/test/describe calls (with modifiers such as .each, .skipIf(cond), .concurrent), skipping .skip and
 * .todo: a test that never runs proves nothing.
 */
const TITLE = /\b(?:it|test|describe)((?:\.\w+(?:\([^()]*\))?)*)\s*\(\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`)/g;

export function testTitles(text: string): string[] {
  const titles: string[] = [];
  for (const match of text.matchAll(TITLE)) {
    if (/\.(?:skip|todo)\b/.test(match[1] ?? "")) continue;
    titles.push(match[2] ?? match[3] ?? match[4] ?? "");
  }
  return titles;
}

/** Error-table entries: an UPPER_CASE key, then the rule ids on its (non-comment) lines until the next key. */
export function errorCodesByRule(text: string): Map<string, string[]> {
  const byRule = new Map<string, string[]>();
  let code: string | undefined;
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed.startsWith("//") || trimmed.startsWith("*") || trimmed.startsWith("/*")) continue;
    const key = /^([A-Z][A-Z0-9_]{2,}):/.exec(trimmed);
    if (key) code = key[1];
    if (!code) continue;
    for (const id of trimmed.match(RULE_ID) ?? []) {
      const codes = byRule.get(id) ?? [];
      if (!codes.includes(code)) codes.push(code);
      byRule.set(id, codes);
    }
  }
  return byRule;
}

interface Evidence {
  readonly code: Map<string, Set<string>>;
  readonly refusals: Map<string, Set<string>>;
  readonly tests: Map<string, Map<string, number>>;
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key) ?? new Set<V>();
  set.add(value);
  map.set(key, set);
}

function gather(root: string): Evidence {
  const evidence: Evidence = { code: new Map(), refusals: new Map(), tests: new Map() };
  for (const path of files(root, CODE_ROOTS, isSource)) {
    const text = readFileSync(join(root, path), "utf8");
    for (const id of new Set(text.match(RULE_ID) ?? [])) add(evidence.code, id, path);
    if (isErrorTable(path)) {
      for (const [id, codes] of errorCodesByRule(text)) for (const code of codes) add(evidence.refusals, id, code);
    }
  }
  for (const path of files(root, TEST_ROOTS, isTest)) {
    const text = readFileSync(join(root, path), "utf8");
    for (const title of testTitles(text)) {
      for (const id of new Set(title.match(RULE_ID) ?? [])) {
        const perFile = evidence.tests.get(id) ?? new Map<string, number>();
        perFile.set(path, (perFile.get(path) ?? 0) + 1);
        evidence.tests.set(id, perFile);
      }
    }
  }
  return evidence;
}

const NONE = "**— none —**";
const anchor = (id: string) => id.toLowerCase();
const cell = (text: string) => text.replace(/\|/g, "\\|");

export function buildMatrix(root: string): string {
  const catalogue = JSON.parse(readFileSync(join(root, "docs/rules.json"), "utf8")) as Catalogue;
  const evidence = gather(root);
  const known = new Set(catalogue.rules.map((rule) => rule.id));
  const noCode = catalogue.rules.filter((rule) => !evidence.code.has(rule.id));
  const noTest = catalogue.rules.filter((rule) => !evidence.tests.has(rule.id));
  const both = catalogue.rules.filter((rule) => evidence.code.has(rule.id) && evidence.tests.has(rule.id));
  const list = (rules: readonly RuleEntry[]) => (rules.length ? rules.map((rule) => `[${rule.id}](#${anchor(rule.id)})`).join(", ") : "none");

  const lines: string[] = [
    "# Compliance matrix",
    "",
    "<!-- Generated by `npm run compliance` (tests/compliance/generate.ts) from docs/rules.json, the code and the tests. Do not edit by hand: tests/compliance/matrix.test.ts fails when this file differs from a fresh build. -->",
    "",
    "Every regulatory rule the software enforces, the legal sources it rests on, the code that names it and the tests that",
    "name it. Rule statements are in [rules.json](rules.json); the design is in [architecture.md](architecture.md).",
    "",
    "## How to read it",
    "",
    "- **Enforcing code**: a TypeScript source file under `services/*/src`, `packages/*/src`, `gateway/src` or",
    "  `runner/src` (generated code excluded) that mentions the rule id — in an error table entry, a decision, a",
    "  jurisdiction profile setting or a comment at the place that enforces it. A mention is evidence of where to look,",
    "  not proof that the rule is fully met: the behaviour is proven only by the tests.",
    "- **Refusal codes**: stable error codes whose error-table entry (`src/**/*errors.ts`) carries the rule id.",
    "- **Tests**: `*.test.ts` files whose `it`/`test`/`describe` titles name the rule id, with the number of such",
    "  titles per file (`.skip` and `.todo` titles are not counted).",
    `- A rule with no enforcing code or no test is marked ${NONE}; nothing is hidden.`,
    "",
    "## Summary",
    "",
    `- Rules in the catalogue: ${catalogue.rules.length}`,
    `- With enforcing code and tests: ${both.length}`,
    `- **With no enforcing code: ${noCode.length}** — ${list(noCode)}`,
    `- **With no test: ${noTest.length}** — ${list(noTest)}`,
    "",
    "| Rule | Statement | Code files | Refusal codes | Tests | Status |",
    "|---|---|---:|---:|---:|---|",
  ];
  for (const rule of catalogue.rules) {
    const code = evidence.code.get(rule.id)?.size ?? 0;
    const refusals = evidence.refusals.get(rule.id)?.size ?? 0;
    const tests = [...(evidence.tests.get(rule.id)?.values() ?? [])].reduce((sum, count) => sum + count, 0);
    const status =
      code && tests ? "code + tests" : !code && !tests ? "**NO CODE, NO TEST**" : !code ? "**NO CODE**" : "**NO TEST**";
    lines.push(`| [${rule.id}](#${anchor(rule.id)}) | ${cell(rule.rule)} | ${code} | ${refusals} | ${tests} | ${status} |`);
  }

  let area = "";
  for (const rule of catalogue.rules) {
    const prefix = rule.id.split("-")[0]!;
    if (prefix !== area) {
      area = prefix;
      lines.push("", `## ${prefix} — ${catalogue.areas[prefix] ?? ""}`);
    }
    const code = [...(evidence.code.get(rule.id) ?? [])].sort();
    const refusals = [...(evidence.refusals.get(rule.id) ?? [])].sort();
    const tests = [...(evidence.tests.get(rule.id) ?? new Map<string, number>())].sort(([a], [b]) => (a < b ? -1 : 1));
    lines.push(
      "",
      `### ${rule.id}`,
      "",
      rule.rule,
      "",
      `- Sources: ${rule.sources.join("; ")}`,
      `- Refusal codes: ${refusals.length ? refusals.map((c) => `\`${c}\``).join(", ") : "none in an error table"}`,
      `- Enforcing code:${code.length ? "" : ` ${NONE}`}`,
      ...code.map((path) => `  - \`${path}\``),
      `- Tests:${tests.length ? "" : ` ${NONE}`}`,
      ...tests.map(([path, count]) => `  - \`${path}\` (${count})`),
    );
  }

  const unknown = new Set<string>();
  for (const id of [...evidence.code.keys(), ...evidence.tests.keys()]) if (!known.has(id)) unknown.add(id);
  lines.push("", "## Rule ids named in code or tests but not in the catalogue", "");
  lines.push(unknown.size ? [...unknown].sort().map((id) => `- ${id}`).join("\n") : "None.");

  lines.push("", "## Left to the institution", "", "These rules bind the hospital's organisation, not the software; the project does not claim to enforce them.", "");
  for (const item of catalogue.leftToInstitution) {
    lines.push(`- **${item.topic}**: ${item.summary}${item.sources.length ? ` (${item.sources.join("; ")})` : ""}`);
  }

  lines.push("", "## Sources", "", "| Short name | Document |", "|---|---|");
  for (const [name, document] of Object.entries(catalogue.sources).sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`| ${name} | ${cell(document)} |`);
  }
  lines.push("", catalogue.citationNote, "");
  return lines.join("\n");
}
