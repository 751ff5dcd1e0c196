import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const SOFTHSM_LIBRARY = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so", "/usr/local/lib/softhsm/libsofthsm2.so"].find(
  (path) => existsSync(path),
);

/** Why the SoftHSM2 tests cannot run here, or undefined when they can. */
export function softHsmMissing(): string | undefined {
  if (SOFTHSM_LIBRARY === undefined) return "libsofthsm2.so not found (apt-get install softhsm2)";
  try {
    execFileSync("softhsm2-util", ["--version"], { stdio: "pipe" });
  } catch {
    return "softhsm2-util not on PATH (apt-get install softhsm2)";
  }
  return undefined;
}

export interface SoftHsmToken {
  readonly library: string;
  readonly tokenLabel: string;
  readonly pin: string;
  readonly cleanup: () => Promise<void>;
}

/**
 * A fresh token in a temporary folder. SoftHSM2 reads SOFTHSM2_CONF when the module is initialised, so the variable
 * is set for this process (vitest runs each file in its own fork).
 */
export async function createSoftHsmToken(label = "ihp-test"): Promise<SoftHsmToken> {
  if (SOFTHSM_LIBRARY === undefined) throw new Error("SoftHSM2 is not installed");
  const folder = await mkdtemp(join(tmpdir(), "ihp-softhsm-"));
  const tokens = join(folder, "tokens");
  await mkdir(tokens, { recursive: true });
  const conf = join(folder, "softhsm2.conf");
  await writeFile(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf;
  const pin = "1234";
  execFileSync("softhsm2-util", ["--init-token", "--free", "--label", label, "--so-pin", "5678", "--pin", pin], {
    env: { ...process.env, SOFTHSM2_CONF: conf },
    stdio: "pipe",
  });
  return { library: SOFTHSM_LIBRARY, tokenLabel: label, pin, cleanup: () => rm(folder, { recursive: true, force: true }) };
}
