import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DomainError } from "@ihp/eventsourcing";
import type { Logger, Principal, PrincipalResolver } from "@ihp/platform";
import type { DeliveryAccess } from "../../application/delivery/deliveryAccess.js";
import type { RegulatorDelivery } from "./deliveryChannels.js";
import { wireMessage } from "./jsonPushAdapter.js";

// The delivery HTTP endpoint (REP-04):
//   GET  /regulator/v1/messages?limit=N   a pull regulator fetches its due messages (its channel credential as Bearer)
//   POST /regulator/v1/acks               { acks: [{ messageId, serial }] } — its serial numbers
//   POST /admin/v1/regulator-replay       { jurisdiction } — replays the dead letter; a platform token with role system
// Answers are JSON; refusals carry { code, message } and never echo what was sent.

export interface DeliveryHttpDeps {
  readonly delivery: RegulatorDelivery;
  readonly verifier: PrincipalResolver;
  /** The access rules of the replay command (shared with gRPC). */
  readonly access: DeliveryAccess;
  readonly logger: Logger;
}

const MAX_BODY = 1_000_000;
const MAX_PULL = 1_000;

class HttpRefusal extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

function bearer(request: IncomingMessage): string {
  const header = request.headers.authorization ?? "";
  return header.startsWith("Bearer ") ? header.slice(7) : "";
}

async function jsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpRefusal(413, "REQUEST_TOO_LARGE", "The request body is too large.");
    chunks.push(chunk as Buffer);
  }
  try {
    const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpRefusal(400, "DELIVERY_REQUEST_INVALID", "The request body is not the expected JSON object.");
}

function acksOf(body: Record<string, unknown>): { messageId: string; serial: string }[] {
  const acks = body["acks"];
  const valid = Array.isArray(acks) && acks.every((ack: { messageId?: unknown; serial?: unknown }) => typeof ack.messageId === "string" && typeof ack.serial === "string" && ack.serial !== "");
  if (!valid) throw new HttpRefusal(400, "DELIVERY_REQUEST_INVALID", "Each acknowledgement needs a message id and a serial number.");
  return acks as { messageId: string; serial: string }[];
}

export function deliveryHttpHandler(deps: DeliveryHttpDeps) {
  const { delivery, verifier, access, logger } = deps;

  function pullChannel(request: IncomingMessage) {
    const channel = delivery.pullFor(bearer(request));
    if (channel === undefined) {
      logger.warn({ code: "REGULATOR_CREDENTIAL_INVALID", path: request.url }, "pull refused: unknown credential");
      throw new HttpRefusal(401, "REGULATOR_CREDENTIAL_INVALID", "The credential is not one of a pull regulator.");
    }
    return channel;
  }

  async function replay(request: IncomingMessage): Promise<unknown> {
    let principal: Principal;
    try {
      principal = await verifier.verify(bearer(request));
    } catch {
      throw new HttpRefusal(401, "UNAUTHENTICATED", "A valid token is required.");
    }
    const body = await jsonBody(request);
    const text = (field: string): string => (typeof body[field] === "string" ? body[field] : "");
    try {
      return { replayed: await access.replay(principal, { jurisdiction: text("jurisdiction"), institutionId: text("institutionId") }) };
    } catch (error) {
      if (error instanceof DomainError) throw new HttpRefusal(error.kind === "NOT_FOUND" ? 404 : error.kind === "INVALID_ARGUMENT" ? 400 : 403, error.code, error.message);
      throw error;
    }
  }

  async function route(request: IncomingMessage): Promise<unknown> {
    const url = new URL(request.url ?? "/", "http://reporting");
    if (request.method === "GET" && url.pathname === "/regulator/v1/messages") {
      const channel = pullChannel(request);
      const limit = Math.min(Math.max(Number.parseInt(url.searchParams.get("limit") ?? "100", 10) || 100, 1), MAX_PULL);
      return { messages: (await channel.fetch(limit)).map(wireMessage) };
    }
    if (request.method === "POST" && url.pathname === "/regulator/v1/acks") {
      const channel = pullChannel(request);
      return channel.acknowledge(acksOf(await jsonBody(request)));
    }
    if (request.method === "POST" && url.pathname === "/admin/v1/regulator-replay") return replay(request);
    throw new HttpRefusal(404, "NOT_FOUND", "No such endpoint.");
  }

  return (request: IncomingMessage, response: ServerResponse): void => {
    route(request).then(
      (result) => response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result)),
      (error: unknown) => {
        if (error instanceof HttpRefusal) {
          response.writeHead(error.status, { "content-type": "application/json" }).end(JSON.stringify({ code: error.code, message: error.message }));
          return;
        }
        logger.error({ err: error, code: "REGULATOR_ENDPOINT_FAILED" }, "delivery endpoint failed");
        response.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ code: "UNAVAILABLE", message: "Try again later." }));
      },
    );
  };
}

export async function serveDeliveryHttp(deps: DeliveryHttpDeps, host: string, port: number): Promise<{ readonly port: number; stop(): Promise<void> }> {
  const server: Server = createServer(deliveryHttpHandler(deps));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
