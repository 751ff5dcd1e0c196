import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IN_PROCESS_TSA_POLICY, InProcessTsa, TimestampError, readTsaCertificate, type Digest } from "../src/index.js";
import { skipWithoutOpenssl } from "./support/opensslTsa.js";

const run = promisify(execFile);
const sha256 = (text: string): Digest => ({ algorithm: "SHA-256", value: createHash("sha256").update(text).digest() });

if (skipWithoutOpenssl) console.warn("SKIPPED the openssl cross-checks of the in-process TSA: the openssl command is not installed");

async function opensslVerify(folder: string, token: Uint8Array, digest: Digest): Promise<boolean> {
  const file = join(folder, `token-${Date.now()}-${Math.random()}.der`);
  await writeFile(file, token);
  const args = ["ts", "-verify", "-digest", Buffer.from(digest.value).toString("hex"), "-token_in", "-in", file, "-CAfile", join(folder, "tsa-cert.pem")];
  return run("openssl", args).then(
    ({ stdout }) => stdout.includes("Verification: OK"),
    () => false,
  );
}

describe("in-process RFC 3161 TSA (embedded mode, demos, e2e)", () => {
  let folder: string;
  const clock = { now: new Date("2026-04-01T01:02:03.456Z") };
  let tsa: InProcessTsa;

  beforeAll(async () => {
    folder = join(await mkdtemp(join(tmpdir(), "ihp-inproc-tsa-")), "tsa");
    tsa = await InProcessTsa.open({ folder, now: () => clock.now });
  });
  afterAll(async () => {
    await rm(join(folder, ".."), { recursive: true, force: true });
  });

  it("REC-07: makes its key (mode 600) and a TSA certificate with a critical timeStamping-only key usage on first open", async () => {
    expect((await stat(join(folder, "tsa-key.pem"))).mode & 0o777).toBe(0o600);
    const certPem = await readFile(join(folder, "tsa-cert.pem"), "utf8");
    expect(certPem).toBe(tsa.certificatePem);
    expect(readTsaCertificate(certPem).node.subject).toContain("IHP in-process TSA");
  });

  it("REC-07: its tokens date the digest at its clock's second and verify, also with `openssl ts -verify`", async () => {
    const digest = sha256("门诊病历 v1");
    const stamped = await tsa.stamp(digest);
    expect(stamped.genTime.toISOString()).toBe("2026-04-01T01:02:03.000Z");
    expect(stamped.policy).toBe(IN_PROCESS_TSA_POLICY);
    expect((await tsa.verify(stamped.token, digest)).serialNumber).toBe(stamped.serialNumber);
    if (!skipWithoutOpenssl) {
      expect(await opensslVerify(folder, stamped.token, digest)).toBe(true);
      expect(await opensslVerify(folder, stamped.token, sha256("门诊病历 v2"))).toBe(false);
    }
  });

  it("REC-07: a reopened TSA keeps its certificate, so earlier tokens still verify; a wrong digest or altered token does not", async () => {
    const digest = sha256("kept");
    const { token } = await tsa.stamp(digest);
    const reopened = await InProcessTsa.open({ folder, now: () => clock.now });
    expect(reopened.certificatePem).toBe(tsa.certificatePem);
    expect((await reopened.verify(token, digest)).genTime.toISOString()).toBe("2026-04-01T01:02:03.000Z");
    await expect(reopened.verify(token, sha256("other"))).rejects.toMatchObject({ code: "TIMESTAMP_MISMATCH" });
    const altered = new Uint8Array(token);
    altered[altered.length - 3] = altered[altered.length - 3]! ^ 0x10;
    await expect(reopened.verify(altered, digest)).rejects.toBeInstanceOf(TimestampError);
    const stranger = await InProcessTsa.open({ folder: join(folder, "..", "other"), now: () => clock.now });
    await expect(stranger.verify(token, digest)).rejects.toMatchObject({ code: "TIMESTAMP_TOKEN_INVALID" });
  });
});
