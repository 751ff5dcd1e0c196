/** Media type of a protobuf payload in an EventEnvelope: "application/x-protobuf; proto=ihp.identity.v1.X". */
export function protobufContentType(messageName: string): string {
  return `application/x-protobuf; proto=${messageName}`;
}
