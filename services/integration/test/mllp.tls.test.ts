import { readFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frame, type MllpListener, MllpDecoder, startMllpListener } from "../src/adapters/mllp/index.js";
import { adtA04, parseAck } from "./mllpSamples.js";
import { ingestFixture } from "./support/ingestFixture.js";

// The platform's throw-away test TLS material (packages/platform/test/fixtures/tls/README.md).
const TLS = join(import.meta.dirname, "..", "..", "..", "packages", "platform", "test", "fixtures", "tls");
const read = (name: string) => readFileSync(join(TLS, name));

/** Sends one framed message over TLS and resolves with the ACK text, or rejects when the connection fails or closes. */
function sendOverTls(port: number, withClientCertificate: boolean, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = connect({
      host: "127.0.0.1",
      port,
      servername: "localhost",
      ca: read("ca.crt"),
      ...(withClientCertificate ? { cert: read("client.crt"), key: read("client.key") } : {}),
    });
    const decoder = new MllpDecoder();
    socket.on("secureConnect", () => socket.write(frame(message)));
    socket.on("data", (chunk: Buffer) => {
      for (const event of decoder.push(chunk)) if (event.kind === "frame") resolve(event.payload.toString("utf8"));
      socket.destroy();
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error("connection closed without an ACK")));
  });
}

describe("MLLP over TLS with client certificates (XC-03)", () => {
  const f = ingestFixture();
  let listener: MllpListener;
  beforeAll(async () => {
    listener = await startMllpListener({
      ingest: f.ingest,
      host: "127.0.0.1",
      port: 0,
      institutionId: "hosp-a",
      systemId: "svc:his-a",
      sendingFacilities: ["HOSPA"],
      logger: { info: () => undefined, warn: () => undefined },
      tls: { cert: read("server.crt"), key: read("server.key"), ca: read("ca.crt") },
    });
  });
  afterAll(() => listener.close());

  it("XC-03: a HIS presenting a certificate signed by the configured CA gets its ACK", async () => {
    expect(parseAck(await sendOverTls(listener.port, true, adtA04("TLS-1")))).toMatchObject({ code: "AA", controlId: "TLS-1" });
  });

  it("XC-03: a client without a certificate is refused at the handshake and nothing is stored", async () => {
    const before = (await f.events()).length;
    await expect(sendOverTls(listener.port, false, adtA04("TLS-2"))).rejects.toThrow();
    expect((await f.events()).length).toBe(before);
  });
});
