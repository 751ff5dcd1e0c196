#!/usr/bin/env node
// ihp-verify-log [--checkpoints <file> … --public-key <hex | file>] [--log <context>] [--tsa-ca <pem>] <store.sqlite> …
// Walks each embedded event log and checks its hash chain; with checkpoints (JSON Lines, a JSON array or one JSON
// object: the service's local copy, or one an outside party kept from the bus), also that the log still reaches and
// agrees with every signed checkpoint. Prints one JSON line per file; exits 1 if any log does not verify, 2 on a usage
// or I/O error.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import type { AnchorOptions } from "../checkpoints/anchors.js";
import { readCheckpoints } from "../checkpoints/checkpointFiles.js";
import { verifyFile } from "../sqlite/verifyFile.js";

const USAGE =
  "usage: ihp-verify-log [--checkpoints <file>]… [--public-key <hex|file>] [--log <context>] [--tsa-ca <pem>] <store.sqlite> [more.sqlite …]\n";

function usage(problem: string): never {
  process.stderr.write(`${problem}\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      checkpoints: { type: "string", multiple: true },
      "public-key": { type: "string" },
      log: { type: "string" },
      "tsa-ca": { type: "string" },
    },
  });
} catch (error) {
  usage((error as Error).message);
}
const { positionals: files, values } = parsed;
if (files.length === 0) usage("no store file given");

let anchors: AnchorOptions | undefined;
if (values.checkpoints !== undefined) {
  // The key to trust comes from the operator, never from the checkpoints: a forger signs with their own key.
  const key = values["public-key"];
  if (key === undefined) usage("--checkpoints needs --public-key (the service's checkpoint public key)");
  try {
    const trustedPublicKey = /^04[0-9a-fA-F]{128}$/.test(key) ? key : readFileSync(key, "utf8").trim();
    const checkpoints = (await Promise.all(values.checkpoints.map((file) => readCheckpoints(file)))).flat();
    anchors = {
      checkpoints,
      trustedPublicKey,
      ...(values.log === undefined ? {} : { log: values.log }),
      ...(values["tsa-ca"] === undefined ? {} : { tsaCaFile: values["tsa-ca"] }),
    };
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: (error as Error).message })}\n`);
    process.exit(2);
  }
}

let exitCode = 0;
for (const file of files) {
  try {
    const result = verifyFile(file, anchors);
    const anchored = result.anchoredPosition === undefined ? {} : { anchoredPosition: result.anchoredPosition.toString() };
    const line = result.ok
      ? { file, ok: true, checked: result.checked, lastPosition: result.lastPosition.toString(), ...anchored }
      : {
          file,
          ok: false,
          checked: result.checked,
          firstBrokenPosition: result.position.toString(),
          reason: result.reason,
          ...anchored,
        };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    if (!result.ok) exitCode = Math.max(exitCode, 1);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ file, ok: false, error: (error as Error).message })}\n`);
    exitCode = 2;
  }
}
process.exit(exitCode);
