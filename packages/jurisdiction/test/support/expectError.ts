import { expect } from "vitest";

import { JurisdictionError } from "@ihp/jurisdiction";

export function expectJurisdictionError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(JurisdictionError);
    expect((error as JurisdictionError).code).toBe(code);
    return;
  }
  expect.unreachable(`expected ${code}`);
}
