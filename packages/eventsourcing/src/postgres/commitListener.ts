import pg from "pg";

/** The channel every PostgreSQL event store notifies on; the payload names the schema whose log committed. */
export const COMMIT_CHANNEL = "ihp_event_store_commit";

/** NOTIFY payloads stay below PostgreSQL's 8000-byte limit; a longer list of streams is left out (wakes all). */
const MAX_PAYLOAD = 7_000;

/**
 * The payload of a commit notification: the schema, then ":" and the JSON array of the streams written when it fits
 * (schema names are SQL identifiers, so never hold ":"). Without the list a listener wakes every subscriber.
 */
export function commitPayload(schema: string, streams: readonly string[]): string {
  const named = `${schema}:${JSON.stringify(streams)}`;
  return Buffer.byteLength(named) <= MAX_PAYLOAD ? named : schema;
}

/** The streams a payload for `schema` names; undefined: all (or unknown); null: the payload is not for this schema. */
export function streamsOfPayload(schema: string, payload: string | undefined): readonly string[] | undefined | null {
  if (payload === schema) return undefined;
  if (payload?.startsWith(`${schema}:`) !== true) return null;
  try {
    const streams: unknown = JSON.parse(payload.slice(schema.length + 1));
    return Array.isArray(streams) && streams.every((id) => typeof id === "string") ? streams : undefined;
  } catch {
    return undefined;
  }
}

/** application_name of the LISTEN connection (lets an operator, or a test, find and end it). */
export const LISTENER_APPLICATION_NAME = "ihp-event-store-listener";

/**
 * One LISTEN connection per store: wakes the store's subscribers when any replica commits to the same log (the
 * append transaction runs pg_notify, delivered at COMMIT, so a notification never announces an uncommitted event).
 * When the connection drops, `listening` is false and the store's subscribers fall back to polling; the listener
 * reconnects every `reconnectMs` and wakes them once it is back, since notifications sent meanwhile are lost.
 */
export class CommitListener {
  #client: pg.Client | undefined;
  #listening = false;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly schema: string,
    /**
     * Called on a commit of this log by any replica (with the streams it wrote when the notification names them), and
     * on every change of `listening` (without).
     */
    private readonly wake: (streams?: readonly string[]) => void,
    private readonly reconnectMs = 500,
  ) {}

  get listening(): boolean {
    return this.#listening;
  }

  /** Connects and listens; a failure is not thrown (polling covers it) but retried. */
  async start(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({ connectionString: this.connectionString, application_name: LISTENER_APPLICATION_NAME });
    this.#client = client;
    client.on("notification", (message) => {
      if (message.channel !== COMMIT_CHANNEL) return;
      const streams = streamsOfPayload(this.schema, message.payload);
      if (streams !== null) this.wake(streams);
    });
    client.on("error", () => this.#dropped(client));
    client.on("end", () => this.#dropped(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${COMMIT_CHANNEL}`);
    } catch {
      this.#dropped(client);
      return;
    }
    if (this.#client !== client) return;
    this.#listening = true;
    // Commits made while nobody listened were not announced: let subscribers read once more.
    this.wake();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listening = false;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  #dropped(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#listening = false;
    client.end().catch(() => undefined);
    this.wake();
    if (this.#closed) return;
    this.#retry = setTimeout(() => void this.start(), this.reconnectMs);
    this.#retry.unref();
  }
}
