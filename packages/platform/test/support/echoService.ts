import { type CallOptions, makeGenericClientConstructor, Metadata, type ServiceDefinition } from "@grpc/grpc-js";

/** A hand-written JSON-encoded service so gRPC tests need no generated code. */
export interface EchoRequest {
  readonly text: string;
}
export interface EchoReply {
  readonly text: string;
  readonly subject?: string;
  readonly traceparent?: string;
}

const json = {
  serialize: (value: unknown): Buffer => Buffer.from(JSON.stringify(value)),
  deserialize: (buffer: Buffer): never => JSON.parse(buffer.toString()) as never,
};

/** A JSON-encoded method definition at `path` (what generated code would give, without generating any). */
export function jsonMethod<Stream extends boolean>(path: string, responseStream: Stream) {
  return {
    path,
    requestStream: false as const,
    responseStream,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  };
}

const method = (name: string, responseStream: boolean) => jsonMethod(`/ihp.test.v1.EchoService/${name}`, responseStream);

export const EchoDefinition = {
  echo: method("Echo", false),
  fail: method("Fail", false),
  ping: method("Ping", false),
  count: method("Count", true),
} satisfies ServiceDefinition;

export const EchoClient = makeGenericClientConstructor(EchoDefinition, "EchoService");

/** One unary call as a promise; rejects with the ServiceError the client saw. */
export function callUnary<Res>(
  client: InstanceType<typeof EchoClient>,
  name: keyof typeof EchoDefinition,
  request: EchoRequest,
  metadata: Metadata = new Metadata(),
  options: CallOptions = {},
): Promise<Res> {
  const definition = EchoDefinition[name];
  return new Promise<Res>((resolve, reject) => {
    client.makeUnaryRequest<EchoRequest, Res>(
      definition.path,
      definition.requestSerialize,
      definition.responseDeserialize,
      request,
      metadata,
      options,
      (error, value) => {
        if (error !== null) reject(error);
        else resolve(value as Res);
      },
    );
  });
}
