import { once } from "node:events";
import {
  Client,
  credentials,
  Metadata,
  type MethodDefinition,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
  type ServiceError,
  type sendUnaryData,
  status,
} from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inProcessChannel } from "../src/grpc/inProcess.js";
import { type RunningGrpcServer, serveGrpc } from "../src/grpc/serveGrpc.js";

// One contract, two transports (issue 15 item 3): the same calls through a real loopback gRPC connection and through
// the embedded mode's in-process channel must give the same answers — messages, errors with their trailers, streams,
// metadata, deadlines, cancellation and unknown methods.

type Message = { readonly text: string; readonly count?: number };
const json = {
  serialize: (value: Message): Buffer => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer): Message => JSON.parse(bytes.toString("utf8")) as Message,
};
const method = (name: string, responseStream: boolean): MethodDefinition<Message, Message> => ({
  path: `/test.Echo/${name}`,
  requestStream: false,
  responseStream,
  requestSerialize: json.serialize,
  requestDeserialize: json.deserialize,
  responseSerialize: json.serialize,
  responseDeserialize: json.deserialize,
});
const definition = { Echo: method("Echo", false), Fail: method("Fail", false), Slow: method("Slow", false), Stream: method("Stream", true) } satisfies ServiceDefinition;

let cancelledSeen = 0;
const implementation = {
  Echo(call: ServerUnaryCall<Message, Message>, done: sendUnaryData<Message>) {
    const [who] = call.metadata.get("x-who");
    done(null, { text: `${call.request.text} from ${String(who)} via ${call.getPath()}` });
  },
  Fail(_call: ServerUnaryCall<Message, Message>, done: sendUnaryData<Message>) {
    const trailer = new Metadata();
    trailer.set("ihp-error-bin", Buffer.from("detail"));
    done({ code: status.FAILED_PRECONDITION, details: "refused", metadata: trailer });
  },
  Slow(call: ServerUnaryCall<Message, Message>, done: sendUnaryData<Message>) {
    const timer = setTimeout(() => done(null, { text: "late" }), 2_000);
    call.once("cancelled", () => {
      cancelledSeen += 1;
      clearTimeout(timer);
    });
  },
  async Stream(call: ServerWritableStream<Message, Message>) {
    for (let index = 0; index < (call.request.count ?? 0); index++) {
      if (!call.write({ text: `m${index}` })) await once(call, "drain");
    }
    call.end();
  },
};

const EchoClient = class extends Client {};
type Outcome = { ok: Message } | { code: number; details: string; trailer?: string };

function unary(client: Client, name: keyof typeof definition, request: Message, options: { deadlineMs?: number } = {}): Promise<Outcome> {
  const metadata = new Metadata();
  metadata.set("x-who", "tester");
  const m = definition[name];
  return new Promise((resolve) => {
    client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, request, metadata, options.deadlineMs === undefined ? {} : { deadline: Date.now() + options.deadlineMs }, (error: ServiceError | null, response?: Message) => {
      if (error === null) resolve({ ok: response! });
      else {
        const [trailer] = error.metadata.get("ihp-error-bin");
        resolve({ code: error.code, details: error.details, ...(trailer === undefined ? {} : { trailer: Buffer.from(trailer as Buffer).toString() }) });
      }
    });
  });
}

async function stream(client: Client, count: number): Promise<string[]> {
  const m = definition.Stream;
  const call = client.makeServerStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, { text: "", count }, new Metadata(), {});
  const received: string[] = [];
  for await (const message of call) received.push((message as Message).text);
  return received;
}

describe("gRPC transports: loopback HTTP/2 and in process give the same answers", () => {
  let server: RunningGrpcServer;
  let clients: Record<"network" | "in-process", Client>;

  beforeAll(async () => {
    server = await serveGrpc({ port: 0, services: [{ definition, implementation }] });
    const address = `127.0.0.1:${server.port}`;
    const channel = inProcessChannel(address);
    expect(channel).toBeDefined();
    clients = {
      network: new EchoClient(address, credentials.createInsecure()),
      "in-process": new EchoClient(address, credentials.createInsecure(), { channelOverride: channel! }),
    };
  });
  afterAll(async () => {
    for (const client of Object.values(clients)) client.close();
    await server.stop(100);
  });

  it.each(["network", "in-process"] as const)("%s: a unary answer sees the request, the metadata and the path", async (transport) => {
    expect(await unary(clients[transport], "Echo", { text: "hi" })).toEqual({ ok: { text: "hi from tester via /test.Echo/Echo" } });
  });

  it.each(["network", "in-process"] as const)("%s: an error keeps its code, details and binary trailer", async (transport) => {
    expect(await unary(clients[transport], "Fail", { text: "" })).toEqual({ code: status.FAILED_PRECONDITION, details: "refused", trailer: "detail" });
  });

  it.each(["network", "in-process"] as const)("%s: a server stream delivers every message in order, past the backpressure mark", async (transport) => {
    const received = await stream(clients[transport], 40);
    expect(received).toEqual(Array.from({ length: 40 }, (_, index) => `m${index}`));
  });

  it.each(["network", "in-process"] as const)("%s: a deadline ends the call with DEADLINE_EXCEEDED and the handler sees it cancelled", async (transport) => {
    const before = cancelledSeen;
    const outcome = await unary(clients[transport], "Slow", { text: "" }, { deadlineMs: 50 });
    expect(outcome).toMatchObject({ code: status.DEADLINE_EXCEEDED });
    await expect.poll(() => cancelledSeen).toBe(before + 1);
  });

  it.each(["network", "in-process"] as const)("%s: a method the server does not have is UNIMPLEMENTED", async (transport) => {
    const client = clients[transport];
    const outcome = await new Promise<number>((resolve) => {
      client.makeUnaryRequest("/test.Echo/Missing", json.serialize, json.deserialize, { text: "" }, new Metadata(), {}, (error: ServiceError | null) => resolve(error?.code ?? status.OK));
    });
    expect(outcome).toBe(status.UNIMPLEMENTED);
  });

  it("a stopped server answers UNAVAILABLE both ways, and has no in-process channel any more (callers dial instead)", async () => {
    const other = await serveGrpc({ port: 0, services: [{ definition, implementation }] });
    const address = `127.0.0.1:${other.port}`;
    const both = [new EchoClient(address, credentials.createInsecure()), new EchoClient(address, credentials.createInsecure(), { channelOverride: inProcessChannel(address)! })];
    for (const client of both) expect(await unary(client, "Echo", { text: "up" })).toMatchObject({ ok: { text: expect.stringContaining("up") as unknown } });
    await other.stop(100);
    expect(inProcessChannel(address)).toBeUndefined();
    for (const client of both) {
      expect(await unary(client, "Echo", { text: "down" }, { deadlineMs: 2_000 })).toMatchObject({ code: status.UNAVAILABLE });
      client.close();
    }
  });
});
