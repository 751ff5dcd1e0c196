import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  appendCheckpoint,
  CheckpointSigner,
  httpTimestampAuthority,
  type LogCheckpoint,
  readCheckpoints,
  timestampDigest,
  timestampStatus,
  timeStampRequest,
  verifyTimestamp,
} from "@ihp/eventsourcing";
import { SqliteEventStore, verifyFile } from "@ihp/eventsourcing/sqlite";
import { newEvent } from "@ihp/testing";

import { type LocalTsa, makeCa, startLocalTsa } from "./support/localTsa.js";

describe("XC-01 anchored log (issue 10): RFC 3161 time stamps of checkpoints (a local openssl ts TSA)", () => {
  let tsa: LocalTsa;
  let dir: string;
  let signer: CheckpointSigner;
  let stamped: LogCheckpoint;
  beforeAll(async () => {
    tsa = await startLocalTsa();
    dir = mkdtempSync(join(tmpdir(), "ihp-timestamp-"));
    signer = CheckpointSigner.generate();
    const checkpoint = signer.sign("consult", { position: 3n, hash: "c".repeat(64) }, new Date());
    const token = await httpTimestampAuthority({ url: tsa.url }).stamp(timestampDigest(checkpoint));
    stamped = { ...checkpoint, timestamp: Buffer.from(token).toString("base64") };
  });
  afterAll(async () => {
    await tsa.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("XC-01: the request is the DER openssl reads back (SHA-256 imprint, nonce, certReq)", () => {
    const digest = timestampDigest(stamped);
    const query = join(dir, "request.tsq");
    writeFileSync(query, timeStampRequest(digest));
    const text = execFileSync("openssl", ["ts", "-query", "-in", query, "-text"], { encoding: "utf8" });
    expect(text).toMatch(/Hash Algorithm: sha256/);
    const dumped = [...text.matchAll(/^\s+[0-9a-f]{4} - ((?:[0-9a-f]{2}[ -]?)+)/gm)].map((m) => (m[1] ?? "").replace(/[ -]/g, "")).join("");
    expect(dumped).toBe(Buffer.from(digest).toString("hex"));
    expect(text).toMatch(/Certificate required: yes/);
    expect(timestampStatus(Buffer.from(stamped.timestamp ?? "", "base64"))).toBe(0);
  });

  it("XC-01: a checkpoint stamped by a TSA chaining to the trusted CA verifies and gives the TSA's time; altered, unstamped or another CA's → refused", () => {
    expect(verifyTimestamp(stamped, tsa.caFile)).toMatch(/GMT$/);
    // The token covers the signed checkpoint: moving the checkpoint's position breaks it.
    const moved = signer.sign("consult", { position: 4n, hash: "c".repeat(64) }, new Date(stamped.signedAt));
    expect(verifyTimestamp({ ...moved, timestamp: stamped.timestamp! }, tsa.caFile)).toBeUndefined();
    const { timestamp: _t, ...unstamped } = stamped;
    expect(verifyTimestamp(unstamped, tsa.caFile)).toBeUndefined();
    const otherCa = makeCa(dir, "other");
    expect(verifyTimestamp(stamped, otherCa)).toBeUndefined();
  });

  it("XC-01: verify with --tsa-ca demands a valid token on every checkpoint (CHECKPOINT_INVALID otherwise)", async () => {
    const path = join(dir, "events.sqlite");
    const file = join(dir, "checkpoints.jsonl");
    const store = SqliteEventStore.open({ path });
    await store.append("consult-1", [newEvent("A"), newEvent("B")], "no_stream");
    const checkpoint = signer.sign("consult", await store.head(), new Date());
    await store.close();
    const token = await httpTimestampAuthority({ url: tsa.url }).stamp(timestampDigest(checkpoint));
    await appendCheckpoint(file, { ...checkpoint, timestamp: Buffer.from(token).toString("base64") });
    const anchors = { checkpoints: await readCheckpoints(file), trustedPublicKey: signer.publicKey, tsaCaFile: tsa.caFile };
    expect(verifyFile(path, anchors)).toEqual({ ok: true, checked: 2, lastPosition: 2n, anchoredPosition: 2n });
    expect(verifyFile(path, { ...anchors, checkpoints: [checkpoint] })).toEqual({ ok: false, checked: 0, position: 2n, reason: "CHECKPOINT_INVALID" });
    // Without a TSA requirement the same unstamped checkpoint is accepted.
    expect(verifyFile(path, { checkpoints: [checkpoint], trustedPublicKey: signer.publicKey })).toMatchObject({ ok: true });
  });
});
