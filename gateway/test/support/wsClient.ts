import WebSocket from "ws";

export interface Frame {
  readonly type: string;
  readonly id?: string;
  readonly payload?: unknown;
}

/** A graphql-transport-ws client over the `ws` package: frames are queued and awaited, never polled. */
export class WsClient {
  private readonly frames: Frame[] = [];
  private readonly waiting: ((frame: Frame) => void)[] = [];
  readonly closed: Promise<number>;

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data: Buffer) => {
      const frame = JSON.parse(data.toString("utf8")) as Frame;
      const waiter = this.waiting.shift();
      if (waiter === undefined) this.frames.push(frame);
      else waiter(frame);
    });
    this.closed = new Promise((resolve) => socket.once("close", (code: number) => resolve(code)));
  }

  static async connect(url: string, protocol = "graphql-transport-ws"): Promise<WsClient> {
    const socket = new WebSocket(url, protocol);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return new WsClient(socket);
  }

  /** Opens a connection and sends connection_init with the token; resolves on the server's first answer. */
  static async init(url: string, token: string | undefined): Promise<{ client: WsClient; answer: Frame }> {
    const client = await WsClient.connect(url);
    client.send({ type: "connection_init", payload: token === undefined ? {} : { authorization: `Bearer ${token}` } });
    return { client, answer: await client.next() };
  }

  send(frame: Frame): void {
    this.socket.send(JSON.stringify(frame));
  }

  subscribe(id: string, query: string, variables?: Record<string, unknown>): void {
    this.send({ type: "subscribe", id, payload: variables === undefined ? { query } : { query, variables } });
  }

  /** The next frame; rejects after `timeoutMs` so a missing frame fails the test with a reason. */
  next(timeoutMs = 5_000): Promise<Frame> {
    const queued = this.frames.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no frame within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push((frame) => {
        clearTimeout(timer);
        resolve(frame);
      });
    });
  }

  close(): Promise<number> {
    this.socket.close();
    return this.closed;
  }
}
