import { CONSULT_ERRORS } from "@ihp/consult";
import { IDENTITY_ERRORS } from "@ihp/identity";
import { PHARMACY_ERRORS } from "@ihp/pharmacy";
import { createErrorCatalog, type ErrorDescription } from "@ihp/platform";
import { PRESCRIPTION_ERRORS } from "@ihp/prescription";
import { REPORTING_ERRORS } from "@ihp/reporting";
import { describe, expect, it } from "vitest";

const TABLES: Readonly<Record<string, Readonly<Record<string, ErrorDescription>>>> = { IDENTITY_ERRORS, CONSULT_ERRORS, PRESCRIPTION_ERRORS, PHARMACY_ERRORS, REPORTING_ERRORS };

describe("one meaning per error code across the platform (XC-02)", () => {
  it("merges every service's table without a code described two ways, and with both languages", () => {
    const catalog = createErrorCatalog(...Object.values(TABLES));
    for (const [name, table] of Object.entries(TABLES)) {
      for (const [code, entry] of Object.entries(table)) {
        expect(entry.en, `${name}.${code}`).toMatch(/\S/);
        expect(entry.zh, `${name}.${code}`).toMatch(/\p{Script=Han}/u);
        expect(catalog(code)).toMatchObject({ en: entry.en, zh: entry.zh });
      }
    }
  });
});
