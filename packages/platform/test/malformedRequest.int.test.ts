import { ChannelCredentials, Client, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { ErrorDetail } from "@ihp/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BuiltinIssuer,
  callDeadline,
  createGrpcHandlers,
  createLogger,
  ERROR_DETAIL_TRAILER,
  HealthService,
  type RunningGrpcServer,
  serveGrpc,
  TokenVerifier,
  withBearerToken,
} from "../src/index.js";
import { EchoDefinition, type EchoReply, type EchoRequest } from "./support/echoService.js";
import { LogCapture } from "./support/logCapture.js";

// A client that sends bytes as they are: what a buggy or hostile client puts on the wire, whatever the method's type.
const raw = { serialize: (bytes: Buffer): Buffer => bytes, deserialize: (bytes: Buffer): Buffer => bytes };

// Length-delimited field 1 announcing 16,383 bytes that never come: no protobuf decoder can read it.
const PROTOBUF_GARBAGE = Buffer.from([0x0a, 0xff, 0x7f, 0x01]);
// Not JSON, for the JSON-encoded echo service.
const JSON_GARBAGE = Buffer.from([0x7b, 0xff, 0x00, 0x22]);

let server: RunningGrpcServer;
let client: Client;
let token: string;
const handled: string[] = [];

function unary(path: string, bytes: Buffer, metadata = new Metadata()): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(path, raw.serialize, raw.deserialize, bytes, metadata, callDeadline(5_000), (error, value) => {
      if (error === null && value !== undefined) resolve(value);
      else reject(error ?? new Error("no response"));
    });
  });
}

async function refusal(call: Promise<unknown>): Promise<{ code: status; stable: string; details: string }> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught as ServiceError,
  );
  if (error === undefined) throw new Error("the call succeeded");
  const trailer = error.metadata.get(ERROR_DETAIL_TRAILER)[0];
  return { code: error.code, stable: trailer === undefined ? "" : ErrorDetail.decode(trailer as Buffer).code, details: error.details };
}

beforeAll(async () => {
  const issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:builtin", audience: "ihp" });
  token = await issuer.issue({ subject: "u-1", roles: ["physician"], tenantId: "inst-1" });
  const handlers = createGrpcHandlers({
    logger: createLogger({ name: "echo", level: "silent", destination: new LogCapture() }),
    verifier: TokenVerifier.fromJwks(issuer.jwks(), { issuer: "urn:ihp:builtin", audience: "ihp" }),
  });
  const echo = handlers.unary<EchoRequest, EchoReply>((request) => {
    handled.push(`echo:${request.text}`);
    return Promise.resolve({ text: request.text });
  });
  const count = handlers.serverStream<EchoRequest, EchoReply>(async (request, _call, send) => {
    handled.push(`count:${request.text}`);
    await send({ text: "1" });
  });
  server = await serveGrpc({
    port: 0,
    services: [{ definition: EchoDefinition, implementation: { echo, fail: echo, ping: echo, count } }],
    health: new HealthService(),
  });
  client = new Client(`127.0.0.1:${server.port}`, ChannelCredentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await server?.stop(1_000);
});

describe("garbage request frames on a real gRPC server", () => {
  it("XC-02: a unary request that does not decode is INVALID_ARGUMENT with MALFORMED_REQUEST, and the handler never runs", async () => {
    const answer = await refusal(unary("/ihp.test.v1.EchoService/Echo", JSON_GARBAGE, withBearerToken(token)));
    expect(answer).toMatchObject({ code: status.INVALID_ARGUMENT, stable: "MALFORMED_REQUEST" });
    expect(answer.details).not.toMatch(/deserializ|JSON|position/i);
    expect(handled).toEqual([]);
  });

  it("XC-02: garbage protobuf bytes to a generated (ts-proto) method are refused the same way, token or not", async () => {
    const answer = await refusal(unary("/grpc.health.v1.Health/Check", PROTOBUF_GARBAGE));
    expect(answer).toMatchObject({ code: status.INVALID_ARGUMENT, stable: "MALFORMED_REQUEST" });
  });

  it("XC-02: a server-streaming method refuses a request that does not decode", async () => {
    const stream = client.makeServerStreamRequest(
      "/ihp.test.v1.EchoService/Count",
      raw.serialize,
      raw.deserialize,
      JSON_GARBAGE,
      withBearerToken(token),
      callDeadline(5_000),
    );
    const error = await new Promise<ServiceError>((resolve) => {
      stream.on("data", () => undefined);
      stream.on("error", resolve);
    });
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(ErrorDetail.decode(error.metadata.get(ERROR_DETAIL_TRAILER)[0] as Buffer).code).toBe("MALFORMED_REQUEST");
    expect(handled).toEqual([]);
  });

  it("a well-formed request on the same connection is still served", async () => {
    const reply = await unary("/ihp.test.v1.EchoService/Echo", Buffer.from(JSON.stringify({ text: "hi" })), withBearerToken(token));
    expect(JSON.parse(reply.toString())).toEqual({ text: "hi" });
    expect(handled).toEqual(["echo:hi"]);
  });
});
