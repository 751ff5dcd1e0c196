import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateKeyPair, KeyVaultError, LocalKeyVault } from "../src/index.js";
import { useTempDirs } from "./support/tempDir.js";

const tempDir = useTempDirs();
const AAD = "signing-key:prac-001:serial-1";

describe("LocalKeyVault (private keys at rest)", () => {
  it("IDN-09: seals and opens a private key; the sealed form is version||iv||tag||ciphertext and hides the key", async () => {
    const vault = await LocalKeyVault.open({});
    const key = Buffer.from(generateKeyPair("SM2_SM3").privateKey, "hex");
    const sealed = vault.seal(key, AAD);
    const bytes = Buffer.from(sealed, "base64");
    expect(bytes[0]).toBe(1);
    expect(bytes.length).toBe(1 + 12 + 16 + key.length);
    expect(bytes.includes(key)).toBe(false);
    expect(Buffer.from(vault.open(sealed, AAD))).toEqual(key);
    expect(vault.seal(key, AAD)).not.toBe(sealed);
  });

  it("IDN-09: any change to the sealed value, or other associated data, or another master key throws", async () => {
    const vault = await LocalKeyVault.open({});
    const sealed = vault.seal(new TextEncoder().encode("secret"), AAD);
    const bytes = Buffer.from(sealed, "base64");
    for (let index = 0; index < bytes.length; index++) {
      const changed = Buffer.from(bytes);
      changed[index] = changed[index]! ^ 0x01;
      expect(() => vault.open(changed.toString("base64"), AAD)).toThrow(KeyVaultError);
    }
    expect(() => vault.open(sealed, "signing-key:prac-002:serial-1")).toThrow(KeyVaultError);
    expect(() => vault.open(sealed.slice(0, 20), AAD)).toThrow(KeyVaultError);
    expect(() => vault.open("%%%", AAD)).toThrow(KeyVaultError);
    expect(() => vault.open(bytes.subarray(0, 28).toString("base64"), AAD)).toThrow(KeyVaultError);
    const other = await LocalKeyVault.open({});
    expect(() => other.open(sealed, AAD)).toThrow(KeyVaultError);
  });

  it("IDN-09: the master key file is created 0600 with 32 bytes and reopening opens earlier sealed values", async () => {
    const masterKeyFile = join(await tempDir(), "keys", "master.key");
    const first = await LocalKeyVault.open({ masterKeyFile });
    expect((await stat(masterKeyFile)).mode & 0o777).toBe(0o600);
    expect((await readFile(masterKeyFile)).length).toBe(32);
    const sealed = first.seal(Uint8Array.of(1, 2, 3), AAD);
    const reopened = await LocalKeyVault.open({ masterKeyFile });
    expect([...reopened.open(sealed, AAD)]).toEqual([1, 2, 3]);
  });

  it("IDN-09: a master key file of the wrong length is refused", async () => {
    const masterKeyFile = join(await tempDir(), "master.key");
    await writeFile(masterKeyFile, Buffer.alloc(16));
    await expect(LocalKeyVault.open({ masterKeyFile })).rejects.toThrow(KeyVaultError);
  });
});
