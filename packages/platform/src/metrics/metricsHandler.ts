import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { MetricsSource } from "./mergedMetrics.js";

/** Node http handler answering GET /metrics with the Prometheus text exposition of `registry` (or merged registries). */
export function metricsHandler(registry: MetricsSource): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" || path !== "/metrics") {
      response.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => {
        response.writeHead(200, { "content-type": registry.contentType }).end(body);
      },
      () => {
        response.writeHead(500).end();
      },
    );
  };
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Serves /metrics on METRICS_PORT (0 picks a free port, returned as `port`). */
export async function serveMetrics(options: {
  readonly registry: MetricsSource;
  readonly port: number;
  readonly host?: string;
}): Promise<MetricsServer> {
  const server = createServer(metricsHandler(options.registry));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
