import { createGateway, type Gateway, type GatewayOptions } from "./server.js";

export interface StartGatewayOptions extends GatewayOptions {
  /** Address to listen on; 127.0.0.1 by default, 0.0.0.0 in a pod. */
  readonly host?: string | undefined;
  /** 0 picks a free port (embedded mode, tests). */
  readonly port: number;
}

export interface RunningGateway {
  readonly app: Gateway;
  readonly port: number;
  /** Base URL, e.g. http://127.0.0.1:4000 (GraphQL at /graphql, WebSocket at ws://…/graphql). */
  readonly url: string;
  /** Stops accepting, ends subscriptions, waits for in-flight requests, stops the feed consumer. Idempotent. */
  stop(): Promise<void>;
}

/** createGateway, listening: what the embedded runner and main.ts start. */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const app = await createGateway(options);
  const host = options.host ?? "127.0.0.1";
  try {
    await app.listen({ host, port: options.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  let stopping: Promise<void> | undefined;
  return {
    app,
    port,
    url: `${options.tls === undefined ? "http" : "https"}://${host.includes(":") ? `[${host}]` : host}:${port}`,
    stop() {
      stopping ??= app.close();
      return stopping;
    },
  };
}
