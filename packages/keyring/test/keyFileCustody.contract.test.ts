import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openKeyFileCustody } from "../src/index.js";
import { custodyContract } from "./support/custodyContract.js";

custodyContract("key file", async () => {
  const folder = await mkdtemp(join(tmpdir(), "ihp-keyring-keyfile-"));
  const path = join(folder, "config", "keyring-master.json");
  const custody = await openKeyFileCustody({ path, dataDir: join(folder, "data") });
  const file = JSON.parse(await readFile(path, "utf8")) as { keys: Record<string, string> };
  return {
    custody,
    reopen: () => openKeyFileCustody({ path, dataDir: join(folder, "data") }),
    // The key file's master keys (the current one; a rotated one is written later and checked by the suite's data key).
    secrets: Object.values(file.keys),
    cleanup: () => rm(folder, { recursive: true, force: true }),
  };
});
