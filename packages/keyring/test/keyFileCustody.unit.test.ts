import { chmod, mkdir, mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultMasterKeyFile, KeyRingError, openKeyFileCustody } from "../src/index.js";

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "ihp-keyring-file-"));
});
afterEach(() => rm(folder, { recursive: true, force: true }));

async function refusal(promise: Promise<unknown>): Promise<KeyRingError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KeyRingError);
    return error as KeyRingError;
  }
  throw new Error("expected a refusal");
}

describe("key file custody (embedded mode)", () => {
  it("XC-05: creates the master key file with mode 0600 (folder 0700) on first use", async () => {
    const path = join(folder, "config", "ihp", "keyring-master.json");
    await openKeyFileCustody({ path });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(folder, "config", "ihp"))).mode & 0o777).toBe(0o700);
  });

  it("XC-05: refuses a key file group or others may read", async () => {
    const path = join(folder, "keyring-master.json");
    await openKeyFileCustody({ path });
    for (const mode of [0o644, 0o640, 0o604]) {
      await chmod(path, mode);
      const error = await refusal(openKeyFileCustody({ path }));
      expect(error.code).toBe("KEY_FILE_UNSAFE");
      expect(error.message).toContain("chmod 600");
    }
  });

  it("XC-05: refuses a key file inside the data folder, also when reached through a symbolic link", async () => {
    const dataDir = join(folder, "data");
    await mkdir(dataDir);
    expect((await refusal(openKeyFileCustody({ path: join(dataDir, "keys", "master.json"), dataDir }))).code).toBe("KEY_FILE_IN_DATA_DIR");
    await symlink(dataDir, join(folder, "alias"));
    expect((await refusal(openKeyFileCustody({ path: join(folder, "alias", "master.json"), dataDir }))).code).toBe("KEY_FILE_IN_DATA_DIR");
    await openKeyFileCustody({ path: join(folder, "data-keys", "master.json"), dataDir });
  });

  it("refuses a symbolic link as key file and a malformed file, naming neither key nor content", async () => {
    const real = join(folder, "real.json");
    await openKeyFileCustody({ path: real });
    await symlink(real, join(folder, "link.json"));
    expect((await refusal(openKeyFileCustody({ path: join(folder, "link.json") }))).code).toBe("KEY_FILE_UNSAFE");
    const bad = join(folder, "bad.json");
    await writeFile(bad, '{"format":"ihp-keyring-master/1","current":"master-v1","keys":{"master-v1":"c2hvcnQ="}}', { mode: 0o600 });
    const error = await refusal(openKeyFileCustody({ path: bad }));
    expect(error.code).toBe("KEY_FILE_MALFORMED");
    expect(error.message).not.toContain("c2hvcnQ=");
  });

  it("defaults to a file under the user's configuration folder, not the data folder; KEYRING_MASTER_KEY_FILE overrides", () => {
    expect(defaultMasterKeyFile({ XDG_CONFIG_HOME: "/etc/xdg-test", DATA_DIR: "/var/lib/ihp" })).toBe("/etc/xdg-test/ihp/keyring-master.json");
    expect(defaultMasterKeyFile({ KEYRING_MASTER_KEY_FILE: "/run/secrets/master.json" })).toBe("/run/secrets/master.json");
  });

  it("rotation keeps the file 0600 and every older version", async () => {
    const path = join(folder, "keyring-master.json");
    const custody = await openKeyFileCustody({ path });
    const wrapped = await custody.wrap(new Uint8Array(32).fill(1), "ctx");
    expect(await custody.rotate()).toBe("master-v2");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const reopened = await openKeyFileCustody({ path });
    expect(await reopened.currentKeyId()).toBe("master-v2");
    expect(Buffer.from(await reopened.unwrap(wrapped, "ctx"))).toEqual(Buffer.alloc(32, 1));
  });
});
