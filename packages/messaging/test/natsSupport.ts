import { jetstreamManager, StorageType, type JetStreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";

/** A plain connection for inspecting and cleaning JetStream state beside the bus under test. */
export async function withJsm<T>(servers: string, work: (jsm: JetStreamManager) => Promise<T>): Promise<T> {
  const nc = await connect({ servers });
  try {
    return await work(await jetstreamManager(nc));
  } finally {
    await nc.close();
  }
}

export function deleteStreams(servers: string, names: readonly string[]): Promise<void> {
  return withJsm(servers, async (jsm) => {
    for (const name of names) await jsm.streams.delete(name).catch(() => false);
  });
}

/** Whether a NATS server answers at the url; tests against it are skipped, with the reason printed, when not. */
export async function natsReachable(servers: string): Promise<boolean> {
  try {
    const nc = await connect({ servers, timeout: 2_000, maxReconnectAttempts: 0 });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * nats-server 2.9 deletes the account's store directory with its last stream, and a stream created at that moment
 * fails ("could not create storage directory"). Test files delete their streams concurrently, so one small file
 * stream is kept on the shared server for good.
 */
export function keepStoreDirectory(servers: string): Promise<void> {
  return withJsm(servers, async (jsm) => {
    await jsm.streams
      .add({ name: "IHP_TEST_ANCHOR", subjects: ["ihp-test-anchor"], storage: StorageType.File, max_msgs: 1 })
      .catch(() => undefined);
  });
}

/**
 * CI starts NATS and installs nats-server (.ci/run), so there a missing server is a failure, never a skip. Outside CI
 * the NATS tests are skipped with the reason printed.
 */
export const inCi = process.env["CI"] === "true";
