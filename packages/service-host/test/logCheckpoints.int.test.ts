import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointSigner, type LogCheckpoint, readCheckpoints, timestampDigest } from "@ihp/eventsourcing";
import { SqliteEventStore, verifyFile } from "@ihp/eventsourcing/sqlite";
import { type BusMessage, InProcessBus } from "@ihp/messaging";
import { baseConfigSchema, BuiltinIssuer, createLogger, TokenVerifier } from "@ihp/platform";
import { newEvent, waitFor } from "@ihp/testing";
import { afterEach, describe, expect, it } from "vitest";
import { checkpointFromMessage, type CheckpointTimer, defaultCheckpointKeyDir, type HostDeps, LogCheckpointer, startServiceHost } from "../src/index.js";

const silent = createLogger({ name: "demo", level: "silent" });

/** A timer the test fires by hand: no sleeps, no fake clocks in the event loop. */
function manualTimer(): { timer: CheckpointTimer; fire: () => void; everyMs: () => number | undefined; cancelled: () => boolean } {
  let run: (() => void) | undefined;
  let ms: number | undefined;
  let cancelled = false;
  return {
    timer: (every, callback) => {
      ms = every;
      run = callback;
      return () => {
        cancelled = true;
      };
    },
    fire: () => run?.(),
    everyMs: () => ms,
    cancelled: () => cancelled,
  };
}

describe("XC-01 anchored log (issue 10): the service host signs checkpoints of the log head", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("XC-01: at the configured interval (only when the head moved) and at an ordered stop; stored outside the event table, 0600 key, published on the bus; the published copy catches a cut log", async () => {
    dir = await mkdtemp(join(tmpdir(), "ihp-host-checkpoints-"));
    const issuer = await BuiltinIssuer.create({ issuer: "urn:test", audience: "urn:test" });
    const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: "urn:test", audience: "urn:test" });
    const keyDir = join(dir, "secrets"); // stands for a folder outside DATA_DIR (a mounted secret)
    const dataDir = join(dir, "data");
    const config = baseConfigSchema.parse({
      SERVICE_NAME: "demo",
      DATA_DIR: dataDir,
      GRPC_PORT: "0",
      CHECKPOINT_INTERVAL_SECONDS: "30",
      CHECKPOINT_KEY_DIR: keyDir,
    });
    const bus = new InProcessBus();
    const published: BusMessage[] = [];
    await bus.consume({ durable: "regulator-copy", subjects: ["ihp.demo.v1.LogCheckpointSigned"] }, (message) => {
      published.push(message);
      return Promise.resolve();
    });
    const manual = manualTimer();
    let clockMs = Date.UTC(2026, 11, 6, 9, 0);
    const start = () =>
      startServiceHost<unknown>({
        context: "demo",
        config,
        bus,
        verifier,
        clock: () => new Date(clockMs),
        logger: silent,
        checkpointTimer: manual.timer,
        grpc: (built) => {
          deps = built;
          return [];
        },
      });
    let deps: HostDeps<unknown> | undefined;
    const host = await start();
    expect(manual.everyMs()).toBe(30_000);
    const store = deps!.store;

    manual.fire(); // empty log: nothing to sign
    await store.append("demo-thing-1", [newEvent("ThingHappened"), newEvent("ThingChanged")], "no_stream");
    clockMs += 30_000;
    manual.fire();
    await waitFor(() => published.length === 1, 5_000, "the first checkpoint on the bus");
    clockMs += 30_000;
    manual.fire(); // the head did not move: no new checkpoint
    await store.append("demo-thing-1", [newEvent("ThingClosed")], 1);
    clockMs += 5_000;
    const outcomes = await host.stop("test");
    expect(outcomes.map((outcome) => outcome.name)).toContain("log-checkpoints");
    expect(manual.cancelled()).toBe(true);

    const keyFile = join(keyDir, "demo-checkpoint-p256.pem");
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const publicKey = (await readFile(`${keyFile}.pub`, "utf8")).trim();
    const local = (await readCheckpoints(join(dataDir, "demo-log-checkpoints.jsonl"))) as LogCheckpoint[];
    expect(local.map(({ log, position, signedAt, publicKey: key }) => ({ log, position, signedAt, key }))).toEqual([
      { log: "demo", position: "2", signedAt: "2026-12-06T09:00:30.000Z", key: publicKey },
      { log: "demo", position: "3", signedAt: "2026-12-06T09:01:05.000Z", key: publicKey },
    ]);
    // The checkpoints are not events: the log holds the three appended events only.
    const events = join(dataDir, "demo-events.sqlite");
    expect(verifyFile(events)).toEqual({ ok: true, checked: 3, lastPosition: 3n });

    const fromBus = published.map((message) => checkpointFromMessage(message));
    expect(fromBus).toEqual(local);
    expect(verifyFile(events, { checkpoints: fromBus, trustedPublicKey: publicKey, log: "demo" })).toEqual({
      ok: true,
      checked: 3,
      lastPosition: 3n,
      anchoredPosition: 3n,
    });

    // A restart keeps the key and, with the head unchanged, signs nothing new at its stop.
    const again = await start();
    await again.stop("test");
    expect((await readFile(`${keyFile}.pub`, "utf8")).trim()).toBe(publicKey);
    expect(await readCheckpoints(join(dataDir, "demo-log-checkpoints.jsonl"))).toHaveLength(2);
    expect(published).toHaveLength(2);

    // Whoever holds the files empties the log and deletes the local copy: the published copy still shows the cut.
    await truncate(events, 0);
    await rm(join(dataDir, "demo-log-checkpoints.jsonl"));
    expect(verifyFile(events, { checkpoints: fromBus, trustedPublicKey: publicKey })).toEqual({
      ok: false,
      checked: 0,
      position: 1n,
      reason: "LOG_TRUNCATED",
      anchoredPosition: 0n,
    });
    await bus.close();
  });

  it("XC-01: replicas sharing DATA_DIR each append to their own copy (REPLICA_ID); a start resumes from every replica's copy and skips one it cannot read", async () => {
    dir = await mkdtemp(join(tmpdir(), "ihp-host-replica-checkpoints-"));
    const issuer = await BuiltinIssuer.create({ issuer: "urn:test", audience: "urn:test" });
    const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: "urn:test", audience: "urn:test" });
    const dataDir = join(dir, "data");
    const shared = { SERVICE_NAME: "demo", DATA_DIR: dataDir, GRPC_PORT: "0", CHECKPOINT_INTERVAL_SECONDS: "0", CHECKPOINT_KEY_DIR: join(dir, "keys") };
    const bus = new InProcessBus();
    const logged: string[] = [];
    const logger = createLogger({ name: "demo", level: "warn", destination: { write: (line: string) => void logged.push(line) } });
    let deps: HostDeps<unknown> | undefined;
    const start = (replica: string) =>
      startServiceHost<unknown>({
        context: "demo",
        config: baseConfigSchema.parse({ ...shared, REPLICA_ID: replica }),
        bus,
        verifier,
        logger,
        grpc: (built) => {
          deps = built;
          return [];
        },
      });
    const copyOf = (replica: string) => join(dataDir, `demo-log-checkpoints.${replica}.jsonl`);

    const first = await start("demo-5f7c9-a");
    await deps!.store.append("demo-thing-1", [newEvent("ThingHappened"), newEvent("ThingChanged")], "no_stream");
    await first.stop("test");
    // Another replica's copy with a torn line in the middle (what concurrent appends over NFS could leave).
    await writeFile(copyOf("demo-5f7c9-c"), '{"version":1,"log":"de\n{"version":1}\n');

    const second = await start("demo-5f7c9-b");
    await second.stop("test"); // resumed from the first replica's checkpoint: the head did not move, nothing to sign
    const third = await start("demo-5f7c9-b");
    await deps!.store.append("demo-thing-1", [newEvent("ThingClosed")], 1);
    await third.stop("test");
    await bus.close();

    expect((await readdir(dataDir)).filter((file) => file.includes("log-checkpoints")).sort()).toEqual(
      ["demo-log-checkpoints.demo-5f7c9-a.jsonl", "demo-log-checkpoints.demo-5f7c9-b.jsonl", "demo-log-checkpoints.demo-5f7c9-c.jsonl"],
    );
    const a = (await readCheckpoints(copyOf("demo-5f7c9-a"))) as LogCheckpoint[];
    const b = (await readCheckpoints(copyOf("demo-5f7c9-b"))) as LogCheckpoint[];
    expect([a.map((c) => c.position), b.map((c) => c.position)]).toEqual([["2"], ["3"]]);
    expect(logged.filter((line) => line.includes("demo-log-checkpoints.demo-5f7c9-c.jsonl") && line.includes("not read"))).toHaveLength(2);
    // Together the replicas' copies anchor the whole log, as `ihp-verify-log --checkpoints <each copy>` reads them.
    const publicKey = (await readFile(join(dir, "keys", "demo-checkpoint-p256.pem.pub"), "utf8")).trim();
    expect(verifyFile(join(dataDir, "demo-events.sqlite"), { checkpoints: [...a, ...b], trustedPublicKey: publicKey, log: "demo" })).toMatchObject({ ok: true, anchoredPosition: 3n });
  });

  it("XC-01: by default the checkpoint keys live outside any data folder, under the user's configuration folder", () => {
    expect(defaultCheckpointKeyDir({ XDG_CONFIG_HOME: "/etc/xdg-test" })).toBe("/etc/xdg-test/ihp/checkpoint-keys");
    expect(defaultCheckpointKeyDir({})).toBe(join(homedir(), ".config", "ihp", "checkpoint-keys"));
  });

  it("XC-01: a checkpoint whose publish failed is published again at the next run, before anything new", async () => {
    dir = await mkdtemp(join(tmpdir(), "ihp-checkpointer-"));
    const store = SqliteEventStore.open({ path: join(dir, "events.sqlite") });
    const sent: BusMessage[] = [];
    let down = true;
    const bus = new InProcessBus();
    const flaky = {
      publish: (message: BusMessage) => {
        if (down) return Promise.reject(new Error("bus down"));
        sent.push(message);
        return Promise.resolve();
      },
      consume: bus.consume.bind(bus),
      close: () => bus.close(),
    };
    let n = 0;
    const checkpointer = await LogCheckpointer.open({
      context: "demo",
      log: store,
      signer: CheckpointSigner.generate(),
      file: join(dir, "checkpoints.jsonl"),
      bus: flaky,
      clock: () => new Date(Date.UTC(2026, 0, 1)),
      newId: () => `id-${++n}`,
      logger: silent,
    });
    await store.append("demo-a", [newEvent("A")], "no_stream");
    const first = await checkpointer.checkpoint();
    expect(first?.position).toBe("1");
    expect(sent).toHaveLength(0);
    down = false;
    expect(await checkpointer.checkpoint()).toBeUndefined();
    expect(sent.map((message) => checkpointFromMessage(message))).toEqual([first]);
    await store.close();
    await bus.close();
  });

  it("XC-01: with a time-stamp authority each checkpoint carries its token (kept locally and on the bus); a failing authority leaves it unstamped but signed", async () => {
    dir = await mkdtemp(join(tmpdir(), "ihp-checkpointer-tsa-"));
    const store = SqliteEventStore.open({ path: join(dir, "events.sqlite") });
    const bus = new InProcessBus();
    const sent: BusMessage[] = [];
    await bus.consume({ durable: "copy", subjects: ["ihp.demo.v1.>"] }, (message) => {
      sent.push(message);
      return Promise.resolve();
    });
    const digests: string[] = [];
    let tsaUp = true;
    const checkpointer = await LogCheckpointer.open({
      context: "demo",
      log: store,
      signer: CheckpointSigner.generate(),
      file: join(dir, "checkpoints.jsonl"),
      bus,
      clock: () => new Date(Date.UTC(2026, 0, 1)),
      newId: () => `id-${digests.length}-${sent.length}`,
      logger: silent,
      tsa: {
        stamp: (digest) => {
          if (!tsaUp) return Promise.reject(new Error("tsa down"));
          digests.push(Buffer.from(digest).toString("hex"));
          return Promise.resolve(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00));
        },
      },
    });
    await store.append("demo-a", [newEvent("A")], "no_stream");
    const stamped = await checkpointer.checkpoint();
    expect(stamped?.timestamp).toBe(Buffer.of(0x30, 0x03, 0x02, 0x01, 0x00).toString("base64"));
    expect(digests).toEqual([Buffer.from(timestampDigest(stamped!)).toString("hex")]);
    tsaUp = false;
    await store.append("demo-a", [newEvent("B")], 0);
    const unstamped = await checkpointer.checkpoint();
    expect(unstamped?.timestamp).toBeUndefined();
    expect(unstamped?.position).toBe("2");
    await waitFor(() => sent.length === 2, 5_000, "both checkpoints on the bus");
    expect(sent.map((message) => checkpointFromMessage(message))).toEqual([stamped, unstamped]);
    expect(await readCheckpoints(join(dir, "checkpoints.jsonl"))).toEqual([stamped, unstamped]);
    await store.close();
    await bus.close();
  });
});
