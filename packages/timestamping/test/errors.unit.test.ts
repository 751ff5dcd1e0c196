import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TIMESTAMP_ERROR_CODES } from "../src/index.js";

describe("timestamping ERRORS.md (XC-02)", () => {
  it("lists exactly the codes TimestampError can carry, each with a Chinese text", () => {
    const table = readFileSync(new URL("../ERRORS.md", import.meta.url), "utf8");
    const rows = [...table.matchAll(/^\| `([A-Z_0-9]+)` \|.*\| ([^|]*) \|$/gm)];
    expect(rows.map((row) => row[1]).sort()).toEqual([...TIMESTAMP_ERROR_CODES].sort());
    for (const row of rows) expect(row[2], row[1]).toMatch(/\p{Script=Han}/u);
  });
});
