import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { EventEnvelope, LogCheckpointSigned } from "@ihp/contracts";
import { readCheckpoints } from "@ihp/eventsourcing";
import { verifyFile } from "@ihp/eventsourcing/sqlite";
import { contextStream, loadTransitKeys, NatsJetStreamBus } from "@ihp/messaging";
import { type DemoSeed, graphql } from "@ihp/runner";
import { waitFor, type NatsServerHandle } from "@ihp/testing";

import { type DistributedCluster, startDistributedCluster, stopDistributedCluster } from "./support/distributedCluster.js";
import { type Proc, runProcess as run } from "./support/serviceProcesses.js";

// The distributed mode (ARCHITECTURE §3): SIGTERM to identity during a burst of writes, and identity's signed
// checkpoints of its log. Health, the feed and the clinical flow across the processes: distributedSlice.e2e.test.ts.

const BURST = 30;

/** InstitutionRegistered events in identity's log, as stored: the stream and the request id that made each. */
function registrations(logFile: string): { streamId: string; requestId: string | undefined }[] {
  const db = new Database(logFile, { readonly: true });
  try {
    return db
      .prepare<[], { stream_id: string; metadata: string }>("SELECT stream_id, metadata FROM events WHERE type = 'InstitutionRegistered' ORDER BY position")
      .all()
      .map((row) => ({ streamId: row.stream_id, requestId: (JSON.parse(row.metadata) as { requestId?: string }).requestId }));
  } finally {
    db.close();
  }
}

/**
 * What "no half-writes, nothing acknowledged lost" means for identity's log, as a list of problems: the chain breaks
 * somewhere, an acknowledged registration is not in it exactly once, or a burst request id registered twice.
 */
function burstProblems(logFile: string, acknowledged: readonly string[]): string[] {
  const problems: string[] = [];
  const verified = verifyFile(logFile);
  if (!verified.ok) problems.push(`log does not verify at ${verified.position}: ${verified.reason}`);
  const stored = registrations(logFile);
  for (const id of acknowledged) {
    const found = stored.filter((event) => event.streamId === `identity-institution-${id}`).length;
    if (found !== 1) problems.push(`acknowledged ${id} registered ${found} times`);
  }
  const requests = stored.flatMap((event) => (event.requestId?.startsWith("burst-registration-") === true ? [event.requestId] : []));
  for (const requestId of new Set(requests)) {
    const times = requests.filter((other) => other === requestId).length;
    if (times > 1) problems.push(`${requestId} registered ${times} times`);
  }
  return problems;
}

/** Every service's log in the data folder, verified: file → result. */
function verifyLogs(dataDir: string): Record<string, unknown> {
  const files = readdirSync(dataDir).filter((file) => file.endsWith("-events.sqlite"));
  return Object.fromEntries(files.sort().map((file) => [file, verifyFile(join(dataDir, file))]));
}

describe("first slice end to end, distributed mode: separate processes, real NATS, PostgreSQL read models", () => {
  let cluster: DistributedCluster | undefined;
  let dataDir: string;
  let keyDir: string;
  let transitKeyFile: string;
  let nats: NatsServerHandle;
  let identityEnv: Record<string, string>;
  let identity: Proc;
  let graphqlUrl: string;
  let demo: DemoSeed;
  let ready: () => Promise<boolean>;
  // The registrations identity acknowledged before its SIGTERM, for the check that the checks can fail.
  let acknowledgedBeforeStop: string[] = [];

  beforeAll(async () => {
    cluster = await startDistributedCluster();
    ({ dataDir, keyDir, transitKeyFile, nats, identityEnv, identity, graphqlUrl, demo, ready } = cluster);
  }, 120_000);

  // The identity process running now: the SIGTERM test starts it again.
  afterAll(() => stopDistributedCluster(cluster, identity), 60_000);

  it(`XC-01: SIGTERM to identity during a burst of ${BURST} mutations loses no acknowledged one and half-writes none`, async () => {
    const register = (i: number) =>
      graphql<{ registerInstitution: { id: string } }>(
        graphqlUrl,
        `mutation R($input: RegisterInstitutionInput!) { registerInstitution(input: $input) { id } }`,
        {
          input: {
            requestId: `burst-registration-${i}`,
            name: `突发测试医院${i}`,
            grade: "PRIMARY",
            licence: { number: `PDY0000${i}X1101`, validFrom: "2025-01-01", validUntil: "2030-12-31" },
            subjectCodes: ["02"],
            jurisdiction: "national",
            hostInstitutionName: `测试医院${i}`,
            hostLicenceNumber: `PDY0000${i}X1100`,
          },
        },
        demo.tokens["system"],
      ).catch(() => undefined);
    // Four workers send the burst one request after another, so requests keep arriving while identity drains and
    // after it has gone: some are answered, some refused, none may be lost once acknowledged.
    let answered = 0;
    let next = 0;
    const responses: Array<Awaited<ReturnType<typeof register>>> = [];
    const worker = async (): Promise<void> => {
      while (next < BURST) {
        const i = next++;
        responses[i] = await register(i);
        answered++;
      }
    };
    const burst = Promise.all(Array.from({ length: 4 }, worker));
    await waitFor(() => answered >= 5, 20_000, "the first answers of the burst");
    identity.child.kill("SIGTERM");
    expect(await identity.exited).toBe(0);
    await burst;
    const acknowledged = responses.flatMap((r) => (r?.data?.registerInstitution.id === undefined ? [] : [r.data.registerInstitution.id]));
    expect(acknowledged.length).toBeGreaterThanOrEqual(5);
    process.stdout.write(`SIGTERM burst: ${acknowledged.length} of ${BURST} acknowledged before the stop, ${BURST - acknowledged.length} refused or cut off\n`);

    identity = run("services/identity/src/main.ts", identityEnv);
    await waitFor(ready, 60_000, "identity to be back");
    // No half-writes: after the stop and the restart every service's log still verifies end to end, and every
    // acknowledged registration is in identity's log exactly once, under its own stream and request id.
    const logs = verifyLogs(dataDir);
    expect(Object.keys(logs)).toEqual(["consult", "identity", "pharmacy", "prescription", "records", "reporting"].map((name) => `${name}-events.sqlite`));
    for (const [file, result] of Object.entries(logs)) expect(result, file).toMatchObject({ ok: true });
    expect(burstProblems(join(dataDir, "identity-events.sqlite"), acknowledged)).toEqual([]);
    acknowledgedBeforeStop = acknowledged;
    // The read model catches up after the restart (eventually consistent): each acknowledged registration appears.
    for (const id of acknowledged) {
      const found = async (): Promise<boolean> =>
        (
          await graphql<{ institution: { id: string } | null }>(graphqlUrl, `query I($id: ID!) { institution(id: $id) { id } }`, { id }, demo.tokens["system"])
        ).data?.institution?.id === id;
      await waitFor(found, 15_000, `acknowledged ${id} in the read model`);
    }
    // Retrying the whole burst with the same request ids completes it without duplicates.
    const retried = await Promise.all(Array.from({ length: BURST }, (_, i) => register(i)));
    const ids = retried.map((r) => r?.data?.registerInstitution.id);
    expect(ids.every((id) => id !== undefined)).toBe(true);
    expect(new Set(ids).size).toBe(BURST);
    for (const id of acknowledged) expect(ids).toContain(id);
    expect(burstProblems(join(dataDir, "identity-events.sqlite"), ids.map(String))).toEqual([]);
    const afterRetry = registrations(join(dataDir, "identity-events.sqlite")).filter((event) => event.requestId?.startsWith("burst-registration-") === true);
    expect(afterRetry.map((event) => event.requestId).sort()).toEqual(Array.from({ length: BURST }, (_, i) => `burst-registration-${i}`).sort());
    expect(afterRetry.map((event) => event.streamId).sort()).toEqual(ids.map((id) => `identity-institution-${String(id)}`).sort());
  }, 120_000);

  it("XC-01: the SIGTERM checks fail on a log that lost an acknowledged registration or holds one twice", async () => {
    expect(acknowledgedBeforeStop.length).toBeGreaterThan(0);
    const [lost] = acknowledgedBeforeStop;
    const copy = join(dataDir, "tampered-identity.sqlite.copy");
    const live = new Database(join(dataDir, "identity-events.sqlite"), { readonly: true });
    await live.backup(copy);
    live.close();
    const db = new Database(copy);
    db.exec("DROP TRIGGER events_are_append_only_delete; DROP TRIGGER events_are_append_only_update");
    db.prepare("DELETE FROM events WHERE stream_id = ? AND type = 'InstitutionRegistered'").run(`identity-institution-${String(lost)}`);
    db.close();
    const problems = burstProblems(copy, acknowledgedBeforeStop);
    expect(problems).toContain(`acknowledged ${String(lost)} registered 0 times`);
    expect(problems.some((problem) => problem.endsWith("CHAIN_BROKEN"))).toBe(true);
    // A registration written twice (a replayed request that was not recognised) under a second stream.
    const twice = new Database(copy);
    const row = twice.prepare<[], Record<string, unknown>>("SELECT * FROM events WHERE type = 'InstitutionRegistered' ORDER BY position DESC LIMIT 1").get()!;
    const position = (twice.prepare<[], { p: number }>("SELECT max(position) AS p FROM events").get()?.p ?? 0) + 1;
    twice
      .prepare("INSERT INTO events VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)")
      .run(position, "identity-institution-replayed", `${String(row["id"]).slice(0, -4)}ffff`, row["type"], row["schema_version"], row["data"], row["metadata"], row["recorded_at"], row["hash"], row["hash"]);
    twice.close();
    const requestId = (JSON.parse(String(row["metadata"])) as { requestId: string }).requestId;
    expect(burstProblems(copy, [])).toContain(`${requestId} registered 2 times`);
    rmSync(copy, { force: true });
  });

  it("XC-01 (issue 10): identity signed checkpoints of its log head (at its SIGTERM stop too) and published them on NATS; against that copy a cut tail is named", async () => {
    const publicKey = readFileSync(join(keyDir, "identity-checkpoint-p256.pem.pub"), "utf8").trim();
    const local = await readCheckpoints(join(dataDir, "identity-log-checkpoints.jsonl"));
    expect(local.length).toBeGreaterThan(0);
    // An outside party's copy: a durable consumer of identity's checkpoints on NATS (JetStream replays them all).
    const regulator = await NatsJetStreamBus.connect({
      servers: nats.url,
      name: "e2e-regulator-copy",
      streams: [contextStream("identity")],
      transit: loadTransitKeys(transitKeyFile),
    });
    const published: unknown[] = [];
    const consumer = await regulator.consume({ durable: "e2e-regulator-checkpoints", subjects: ["ihp.identity.v1.LogCheckpointSigned"] }, (message) => {
      const envelope = EventEnvelope.decode(message.data);
      const { signature, timestamp, ...signed } = LogCheckpointSigned.decode(envelope.payload);
      const stamp = timestamp.length === 0 ? {} : { timestamp: Buffer.from(timestamp).toString("base64") };
      published.push({ ...signed, signature: Buffer.from(signature).toString("base64"), ...stamp });
      return Promise.resolve();
    });
    await waitFor(() => published.length >= local.length, 20_000, "identity's checkpoints from NATS");
    await consumer.stop();
    await regulator.close();
    expect(published.slice(0, local.length)).toEqual(local);

    // The stop checkpoint covers every registration acknowledged before the SIGTERM.
    const ledger = new Database(join(dataDir, "identity-events.sqlite"), { readonly: true });
    const streams = acknowledgedBeforeStop.map((id) => `identity-institution-${id}`);
    const lastAcknowledged = ledger
      .prepare<string[], { p: number }>(`SELECT max(position) AS p FROM events WHERE stream_id IN (${streams.map(() => "?").join(",")})`)
      .get(...streams)!.p;
    ledger.close();
    expect(local.some((c) => Number((c as { position: string }).position) >= lastAcknowledged)).toBe(true);

    const copy = join(dataDir, "anchored-identity.sqlite.copy");
    const live = new Database(join(dataDir, "identity-events.sqlite"), { readonly: true });
    await live.backup(copy);
    live.close();
    const anchors = { checkpoints: published, trustedPublicKey: publicKey, log: "identity" };
    const last = published.reduce<bigint>((max, c) => (BigInt((c as { position: string }).position) > max ? BigInt((c as { position: string }).position) : max), 0n);
    expect(verifyFile(copy, anchors)).toMatchObject({ ok: true, anchoredPosition: last });

    // Cut the tail from the last checkpointed event on: the chain still verifies, the published checkpoint does not.
    const db = new Database(copy);
    db.exec("DROP TRIGGER events_are_append_only_delete; DROP TRIGGER events_are_append_only_update");
    db.prepare("DELETE FROM events WHERE position >= ?").run(Number(last));
    expect(verifyFile(copy)).toMatchObject({ ok: true });
    expect(verifyFile(copy, anchors)).toMatchObject({ ok: false, position: last, reason: "LOG_TRUNCATED" });
    db.close();
    rmSync(copy, { force: true });
  });
});
