import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A provincial supervision platform for delivery tests (REP-04): takes JSON pushes (POST /messages), one XML message
// per request (POST /xml, the DB64/T 2123-shaped adapter) and nightly batch files (POST /batches), deduplicates on
// the business id and answers with its own serial numbers — the same serial again for a business id it already has,
// as real receivers do. Faults are chosen per request: an error status, no answer at all (the client times out), a
// delay, every acknowledgement twice, or a restart part-way through a request (what it stored so far stays stored,
// the connection drops, the server comes back on the same port).

export type SimulatorFault =
  | { readonly kind: "status"; readonly status: number }
  | { readonly kind: "hang" }
  | { readonly kind: "delay"; readonly ms: number }
  | { readonly kind: "duplicate-ack" }
  | { readonly kind: "restart-after"; readonly records: number };

export interface SimulatorRequest {
  /** 1-based count of requests since the simulator started. */
  readonly index: number;
  readonly path: string;
}

/** One business record as the regulator holds it. */
export interface SimulatorRecord {
  readonly serial: string;
  readonly businessId: string;
  readonly messageId: string;
  readonly type: string;
  /** The JSON body as received (JSON push and batch); undefined for XML. */
  readonly body: Readonly<Record<string, unknown>> | undefined;
  /** The XML document as received (XML push). */
  readonly xml: string | undefined;
  /** How many times it arrived: 1, or more when the sender repeated it (deduplicated). */
  copies: number;
}

export interface SimulatorStats {
  requests: number;
  messagesReceived: number;
  duplicatesDeduplicated: number;
  faultsInjected: number;
  restarts: number;
  batches: number;
}

export interface RegulatorSimulatorOptions {
  /** The bearer credential senders must present (401 otherwise). */
  readonly credential: string;
  readonly serialPrefix?: string;
  readonly faults?: (request: SimulatorRequest) => SimulatorFault | undefined;
}

type Incoming = { readonly messageId: string; readonly businessId: string; readonly type: string; readonly body?: Record<string, unknown>; readonly xml?: string };

export class RegulatorSimulator {
  readonly stats: SimulatorStats = { requests: 0, messagesReceived: 0, duplicatesDeduplicated: 0, faultsInjected: 0, restarts: 0, batches: 0 };
  private readonly byBusinessId = new Map<string, SimulatorRecord>();
  private sequence = 0;
  private server: Server | undefined;
  private faults: RegulatorSimulatorOptions["faults"];

  private constructor(private readonly options: RegulatorSimulatorOptions, private port: number) {
    this.faults = options.faults;
  }

  static async start(options: RegulatorSimulatorOptions): Promise<RegulatorSimulator> {
    const simulator = new RegulatorSimulator(options, 0);
    await simulator.listen();
    return simulator;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** The records held, one per business id. */
  records(): readonly SimulatorRecord[] {
    return [...this.byBusinessId.values()];
  }

  setFaults(faults: RegulatorSimulatorOptions["faults"]): void {
    this.faults = faults;
  }

  /** Stops (dropping open connections) and listens again on the same port; the records survive, as in a database. */
  async restart(): Promise<void> {
    await this.close();
    this.stats.restarts += 1;
    await this.listen();
  }

  stop(): Promise<void> {
    return this.close();
  }

  private async listen(): Promise<void> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch(() => response.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  private async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(incoming: Incoming): SimulatorRecord {
    this.stats.messagesReceived += 1;
    const known = this.byBusinessId.get(incoming.businessId);
    if (known !== undefined) {
      known.copies += 1;
      this.stats.duplicatesDeduplicated += 1;
      return known;
    }
    this.sequence += 1;
    const serial = `${this.options.serialPrefix ?? "REG"}${String(this.sequence).padStart(8, "0")}`;
    const record: SimulatorRecord = { serial, businessId: incoming.businessId, messageId: incoming.messageId, type: incoming.type, body: incoming.body, xml: incoming.xml, copies: 1 };
    this.byBusinessId.set(incoming.businessId, record);
    return record;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.stats.requests += 1;
    const path = new URL(request.url ?? "/", "http://simulator").pathname;
    const text = await readBody(request);
    if (request.headers.authorization !== `Bearer ${this.options.credential}`) return answer(response, 401, "text/plain", "credential rejected");
    const fault = this.faults?.({ index: this.stats.requests, path });
    if (fault !== undefined) this.stats.faultsInjected += 1;
    if (fault?.kind === "status") return answer(response, fault.status, "text/plain", "simulated failure");
    if (fault?.kind === "hang") return; // never answered: the sender's timeout ends it
    if (fault?.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.ms));
    const incoming = parseRequest(path, text);
    if (incoming === undefined) return answer(response, 422, "text/plain", "unreadable request");
    if (path === "/batches") this.stats.batches += 1;
    const limit = fault?.kind === "restart-after" ? fault.records : incoming.length;
    const stored = incoming.slice(0, limit).map((message) => this.accept(message));
    if (fault?.kind === "restart-after") {
      // Mid-request: what arrived so far is stored, the sender gets no answer.
      response.destroy();
      await this.restart();
      return;
    }
    const acks = stored.flatMap((record, i) => {
      const ack = { messageId: incoming[i]?.messageId ?? record.messageId, businessId: record.businessId, serial: record.serial };
      return fault?.kind === "duplicate-ack" ? [ack, ack] : [ack];
    });
    if (path === "/xml") {
      const ack = acks[0];
      const xml = `<?xml version="1.0" encoding="UTF-8"?><Response><Code>0</Code><MessageId>${ack?.messageId ?? ""}</MessageId><Serial>${ack?.serial ?? ""}</Serial></Response>`;
      return answer(response, 200, "application/xml", fault?.kind === "duplicate-ack" ? xml + xml : xml);
    }
    return answer(response, 200, "application/json", JSON.stringify({ acks }));
  }
}

function parseRequest(path: string, text: string): Incoming[] | undefined {
  try {
    if (path === "/messages") return (JSON.parse(text) as { messages: Incoming[] }).messages.map(withBody);
    if (path === "/xml") {
      const tag = (name: string): string | undefined => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
      const messageId = tag("MessageId");
      const businessId = tag("BusinessId");
      if (messageId === undefined || businessId === undefined) return undefined;
      return [{ messageId, businessId, type: tag("MessageType") ?? "", xml: text }];
    }
    if (path === "/batches") {
      const { manifest, content } = JSON.parse(text) as { manifest: { sha256: string; count: number }; content: string };
      const lines = content.split("\n").filter((line) => line !== "");
      if (createHash("sha256").update(content).digest("hex") !== manifest.sha256 || lines.length !== manifest.count) return undefined;
      return lines.map((line) => withBody(JSON.parse(line) as Incoming));
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function withBody(message: Incoming): Incoming {
  return { messageId: message.messageId, businessId: message.businessId, type: message.type, body: message.body };
}

function answer(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { "content-type": contentType }).end(body);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
