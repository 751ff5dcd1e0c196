import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MllpListener, startMllpListener } from "../src/adapters/mllp/index.js";
import { adtA04, parseAck } from "./mllpSamples.js";
import { ingestFixture } from "./support/ingestFixture.js";
import { read, sendOverTls } from "./support/tlsClient.js";

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
