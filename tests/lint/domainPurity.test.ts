import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";

import config from "../../eslint.config.js";

// The repo's own ESLint config, applied to code placed in a domain folder (ARCHITECTURE §10): no I/O packages, no
// node:*, no clock, no randomness. Type-aware rules are left out here; the purity rules need no type information.
const configs = config as Linter.Config[];
const domainBlock = configs.find((block) => block.files?.includes("**/src/domain/**/*.ts"));

async function lintDomain(code: string, filePath = "services/consult/src/domain/decide.ts"): Promise<string[]> {
  const eslint = new ESLint({
    cwd: process.cwd(),
    overrideConfigFile: true,
    overrideConfig: [
      { files: ["**/*.ts"], languageOptions: { parser: configs.find((b) => b.languageOptions?.parser)?.languageOptions?.parser } },
      domainBlock!,
    ],
  });
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((message) => message.message);
}

describe("domain purity lint rules", () => {
  it("exist in the repo's ESLint config for src/domain folders", () => {
    expect(domainBlock).toBeDefined();
  });

  it("refuse I/O imports, node:* modules, the clock and randomness in domain code", async () => {
    const messages = await lintDomain(`
      import { readFileSync } from "node:fs";
      import Database from "better-sqlite3";
      import { connect } from "@nats-io/transport-node";
      export const now = Date.now();
      export const today = new Date();
      export const id = Math.random();
      export { readFileSync, Database, connect };
    `);
    expect(messages.filter((m) => m.includes("Domain code is pure: no I/O."))).toHaveLength(3);
    expect(messages.filter((m) => m.includes("gets time from the command"))).toHaveLength(2);
    expect(messages.filter((m) => m.includes("gets ids and randomness"))).toHaveLength(1);
  });

  it("accept pure domain code, and a date built from the command's time", async () => {
    const messages = await lintDomain(`
      import { DomainError } from "@ihp/eventsourcing";
      export function decide(command: { now: string }): Date | DomainError {
        return new Date(command.now);
      }
    `);
    expect(messages).toEqual([]);
  });

  it("do not apply outside domain folders", async () => {
    const messages = await lintDomain(`export const now = Date.now();`, "services/consult/src/adapters/clock.ts");
    expect(messages).toEqual([]);
  });
});
