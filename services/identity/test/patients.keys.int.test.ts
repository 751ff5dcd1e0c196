import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPatientKeyRing } from "../src/application/patients/patientKeyRing.js";

const PATIENT = "0193a9f2-7c1d-8e4b-9a6f-000000000001";
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "identity-keys-"));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe("patient key ring", () => {
  it("IDN-07: seals per patient, survives a restart, and destroying the patient's key erases the data", async () => {
    const ring = await openPatientKeyRing(dataDir);
    const sealed = await ring.seal(PATIENT, "name", "李四");
    expect(sealed).not.toContain("李四");
    const reopened = await openPatientKeyRing(dataDir);
    expect(await reopened.open(PATIENT, "name", sealed)).toBe("李四");
    expect(reopened.blindIndex("RESIDENT_ID_CARD:x")).toBe(ring.blindIndex("RESIDENT_ID_CARD:x"));
    // Sealed for one purpose, it does not open as another (a name copied into the number field stays closed).
    await expect(reopened.open(PATIENT, "idNumber", sealed)).rejects.toThrow();
    await reopened.destroy(PATIENT);
    expect(await ring.open(PATIENT, "name", sealed)).toBeUndefined();
  });
});
