import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSealKeys } from "../src/application/copiesSeal.js";

// REC-10's seal keys on a folder the replicas share (infra/README.md, "Files every replica writes"): each replica has
// its own createSealKeys over the same folder. The first copy of an institution makes its key; the others, at the
// same moment, must end with that key and must never read a key file half-written.

const HASH = "ab".repeat(32);
const child = join(import.meta.dirname, "fixtures/sealKeyChild.ts");
const tsx = createRequire(import.meta.url).resolve("tsx");
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "records-seal-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("seal keys in a shared folder", () => {
  it("REC-10: creators racing on one institution end with one key; readers see no key or the whole key, never part of one", async () => {
    const rounds = 30;
    for (let round = 0; round < rounds; round++) {
      const institution = `hosp-${round}`;
      const creators = Array.from({ length: 4 }, () => createSealKeys({ dir }).seal(institution, HASH));
      // Readers poll until they find the key, so that some read while a creator is writing it.
      const readers = Array.from({ length: 4 }, async () => {
        for (;;) {
          const found = await createSealKeys({ dir }).publicKey(institution);
          if (found !== undefined) return found;
        }
      });
      const [sealed, read] = await Promise.all([Promise.allSettled(creators), Promise.allSettled(readers)]);
      const failures = [...sealed, ...read].flatMap((result) => (result.status === "rejected" ? [String(result.reason)] : []));
      expect(failures, `round ${round}`).toEqual([]);
      const keyIds = new Set(sealed.map((result) => (result.status === "fulfilled" ? result.value.keyId : "")));
      expect(keyIds.size, `round ${round}`).toBe(1);
      for (const result of read) if (result.status === "fulfilled") expect(keyIds).toContain(result.value.keyId);
      expect((await createSealKeys({ dir }).publicKey(institution))?.keyId).toBe([...keyIds][0]);
    }
    // One private key per institution, 0600 in a 0700 folder, and no temporary file left behind.
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(Array.from({ length: rounds }, (_, round) => `hosp-${round}.pem`).sort());
    expect((await stat(join(dir, "hosp-0.pem"))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  }, 60_000);

  it("REC-10: a replica that dies between creating the key file and writing it leaves nothing that blocks the institution", async () => {
    // `ulimit -f 0`: the child may create files but not write a byte into one, so it fails exactly between the two (as
    // a crash there, or a full disk, would) and exits. What it leaves under the key's name is what a reader would see.
    const exit = await new Promise<number | null>((resolve, reject) => {
      const proc = spawn("sh", ["-c", 'ulimit -f 0; exec "$0" --conditions=ihp-source --import "$1" "$2" "$3" crashed', process.execPath, tsx, child, dir], {
        stdio: ["ignore", "ignore", "pipe"],
      });
      proc.on("error", reject);
      proc.on("close", (code) => resolve(code));
    });
    expect(exit).not.toBe(0);
    expect(await createSealKeys({ dir }).publicKey("crashed-0")).toBeUndefined();
    const sealed = await createSealKeys({ dir }).seal("crashed-0", HASH);
    expect((await createSealKeys({ dir }).publicKey("crashed-0"))?.keyId).toBe(sealed.keyId);
  }, 60_000);
});
