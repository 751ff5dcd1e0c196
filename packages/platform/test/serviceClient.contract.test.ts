import { once } from "node:events";
import {
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
import { context, trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inProcessChannel } from "../src/grpc/inProcess.js";
import { type RunningGrpcServer, serveGrpc } from "../src/grpc/serveGrpc.js";
import { serviceClient } from "../src/grpc/serviceClient.js";
import { jsonMethod } from "./support/echoService.js";

// The one typed client (issue 16 item 1): its middleware puts the token, extra headers and a deadline on the wire,
// maps errors, and reads server streams as async iterators — the same over loopback HTTP/2 and in process.

type Message = { readonly text: string; readonly count?: number };
const method = <Stream extends boolean>(name: string, responseStream: Stream) =>
  jsonMethod(`/test.Echo/${name}`, responseStream) as MethodDefinition<Message, Message> & { responseStream: Stream };
const definition = { echo: method("Echo", false), fail: method("Fail", false), slow: method("Slow", false), stream: method("Stream", true) } satisfies ServiceDefinition;

let streamCancelled = 0;
let slowCancelled = 0;
const implementation = {
  echo(call: ServerUnaryCall<Message, Message>, done: sendUnaryData<Message>) {
    const header = (key: string): string => String(call.metadata.get(key)[0] ?? "-");
    const deadline = call.getDeadline();
    const left = deadline instanceof Date ? deadline.getTime() - Date.now() : Number.isFinite(deadline) ? Number(deadline) - Date.now() : Infinity;
    done(null, { text: `${call.request.text}|${header("authorization")}|${header("x-extra")}|${header("traceparent") === "-" ? "no-trace" : "trace"}`, count: left });
  },
  fail(_call: ServerUnaryCall<Message, Message>, done: sendUnaryData<Message>) {
    const trailer = new Metadata();
    trailer.set("ihp-error-bin", Buffer.from("detail"));
    done({ code: status.FAILED_PRECONDITION, details: "refused", metadata: trailer });
  },
  slow(call: ServerUnaryCall<Message, Message>, done: sendUnaryData<Message>) {
    const timer = setTimeout(() => done(null, { text: "late" }), 2_000);
    call.once("cancelled", () => {
      slowCancelled += 1;
      clearTimeout(timer);
    });
  },
  async stream(call: ServerWritableStream<Message, Message>) {
    call.once("cancelled", () => (streamCancelled += 1));
    for (let index = 0; index < (call.request.count ?? 0); index++) {
      if (call.cancelled) return;
      if (!call.write({ text: `m${index}` })) await once(call, "drain");
    }
    if (call.request.text === "fail") call.emit("error", { code: status.PERMISSION_DENIED, details: "no", metadata: new Metadata() });
    else if (call.request.text !== "open") call.end();
  },
};

class Mapped extends Error {
  constructor(readonly code: number) {
    super(`mapped ${code}`);
  }
}
const mapError = (error: unknown): Mapped => new Mapped((error as ServiceError).code);

describe("serviceClient: one typed client for every gRPC call, over loopback and in process", () => {
  let server: RunningGrpcServer;
  let clients: Record<"network" | "in-process", ReturnType<typeof serviceClient<typeof definition>>>;
  let unmapped: Record<"network" | "in-process", ReturnType<typeof serviceClient<typeof definition>>>;

  beforeAll(async () => {
    server = await serveGrpc({ port: 0, services: [{ definition, implementation }] });
    const address = `127.0.0.1:${server.port}`;
    clients = {
      network: serviceClient(definition, address, credentials.createInsecure(), { mapError }),
      "in-process": serviceClient(definition, address, credentials.createInsecure(), { mapError, channelOverride: inProcessChannel(address)! }),
    };
    unmapped = {
      network: serviceClient(definition, address, credentials.createInsecure()),
      "in-process": serviceClient(definition, address, credentials.createInsecure(), { channelOverride: inProcessChannel(address)! }),
    };
  });
  afterAll(async () => {
    for (const client of [...Object.values(clients), ...Object.values(unmapped)]) client.close();
    await server.stop(100);
  });

  it.each(["network", "in-process"] as const)("%s: the token, extra headers and trace context reach the server", async (transport) => {
    const traced = trace.setSpanContext(context.active(), { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 });
    const answer = await clients[transport].echo({ text: "hi" }, { token: "t0k", headers: { "x-extra": "more" }, trace: traced, timeoutMs: 5_000 });
    expect(answer.text).toBe("hi|Bearer t0k|more|trace");
    const anonymous = await clients[transport].echo({ text: "anon" }, { timeoutMs: 5_000 });
    expect(anonymous.text).toBe("anon|-|-|no-trace");
  });

  it.each(["network", "in-process"] as const)("%s: the deadline travels on the wire, capped by the parent call's", async (transport) => {
    const own = await clients[transport].echo({ text: "" }, { timeoutMs: 5_000 });
    expect(own.count).toBeGreaterThan(4_000);
    expect(own.count).toBeLessThanOrEqual(5_000);
    const capped = await clients[transport].echo({ text: "" }, { timeoutMs: 5_000, parentDeadline: new Date(Date.now() + 1_000) });
    expect(capped.count).toBeLessThanOrEqual(1_000);
  });

  it.each(["network", "in-process"] as const)("%s: a failed call throws what the error middleware makes of it", async (transport) => {
    await expect(clients[transport].fail({ text: "" }, { timeoutMs: 5_000 })).rejects.toEqual(new Mapped(status.FAILED_PRECONDITION));
  });

  it.each(["network", "in-process"] as const)("%s: without error middleware a failed call throws grpc-js's ServiceError", async (transport) => {
    const error = await unmapped[transport].fail({ text: "" }, { timeoutMs: 5_000 }).then(
      () => undefined,
      (failure: unknown) => failure as ServiceError,
    );
    expect(error).toBeInstanceOf(Error);
    expect({ code: error?.code, details: error?.details, message: error?.message }).toEqual({
      code: status.FAILED_PRECONDITION,
      details: "refused",
      message: "9 FAILED_PRECONDITION: refused",
    });
    expect(error?.metadata).toBeInstanceOf(Metadata);
    expect(Buffer.from(error?.metadata.get("ihp-error-bin")[0] as Buffer).toString()).toBe("detail");
  });

  it.each(["network", "in-process"] as const)("%s: a call past its deadline fails DEADLINE_EXCEEDED and the handler sees it cancelled", async (transport) => {
    const before = slowCancelled;
    await expect(clients[transport].slow({ text: "" }, { timeoutMs: 50 })).rejects.toEqual(new Mapped(status.DEADLINE_EXCEEDED));
    await expect.poll(() => slowCancelled).toBe(before + 1);
  });

  it.each(["network", "in-process"] as const)("%s: a server stream reads in order and its error is mapped", async (transport) => {
    const received: string[] = [];
    for await (const message of clients[transport].stream({ text: "", count: 30 }, {})) received.push(message.text);
    expect(received).toEqual(Array.from({ length: 30 }, (_, index) => `m${index}`));
    const failing = clients[transport].stream({ text: "fail", count: 1 }, {});
    expect(await failing.next()).toEqual({ value: { text: "m0" }, done: false });
    await expect(failing.next()).rejects.toEqual(new Mapped(status.PERMISSION_DENIED));
  });

  it.each(["network", "in-process"] as const)("%s: leaving a stream cancels the call on the server and ends the reader", async (transport) => {
    const before = streamCancelled;
    const open = clients[transport].stream({ text: "open", count: 1 }, {});
    expect(await open.next()).toEqual({ value: { text: "m0" }, done: false });
    expect(await open.return?.()).toEqual({ value: undefined, done: true });
    await expect.poll(() => streamCancelled).toBe(before + 1);
    expect(await open.next()).toEqual({ value: undefined, done: true });
  });
});
