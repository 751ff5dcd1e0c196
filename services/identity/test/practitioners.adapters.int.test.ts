import { once } from "node:events";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOfflineFaceMatch, signFaceMatch } from "../src/adapters/faceMatch/offlineFaceMatch.js";
import { DEMO_REGISTRY_FILE, openFileRegistry } from "../src/adapters/registry/fileRegistry.js";
import { createHttpRegistry } from "../src/adapters/registry/httpRegistry.js";
import { openIdNumberSealer } from "../src/application/practitioners/idNumberSealer.js";

const WANG = { profession: "PHYSICIAN", licenceNumber: "110120000012345", name: "王示范", idNumber: "110105198001010016" } as const;

describe("file registry (embedded mode)", () => {
  it("IDN-01: answers from the shipped demo file: registered, suspended, mismatched, unknown", async () => {
    const registry = await openFileRegistry(DEMO_REGISTRY_FILE);
    expect(registry.source).toBe("file:demo-registry.json");
    expect(await registry.lookup(WANG)).toEqual({ status: "REGISTERED", eLicenceReference: "DEMO-EL-PHY-0001" });
    expect(
      await registry.lookup({ profession: "PHYSICIAN", licenceNumber: "110120000067890", name: "李停业", idNumber: "110105198203040010" }),
    ).toEqual({ status: "SUSPENDED" });
    expect(await registry.lookup({ ...WANG, idNumber: "11010519850708002X" })).toEqual({ status: "MISMATCH" });
    expect(await registry.lookup({ ...WANG, profession: "NURSE" })).toEqual({ status: "NOT_FOUND" });
  });
});

describe("HTTP registry against a node:http stand-in", () => {
  let server: Server;
  let url: string;
  const seen: { authorization: string | undefined; path: string | undefined; body: unknown }[] = [];
  let reply: { status: number; body: string } = { status: 200, body: "" };

  async function bodyOf(request: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }

  beforeAll(async () => {
    server = createServer((request, response) => {
      void bodyOf(request).then((body) => {
        seen.push({ authorization: request.headers.authorization, path: request.url, body: JSON.parse(body) as unknown });
        response.writeHead(reply.status, { "content-type": "application/json" }).end(reply.body);
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("IDN-01: posts the query with the client credentials and maps the registry's answer", async () => {
    const registry = createHttpRegistry({ url, clientId: "ihp-test", clientSecret: "s3cret" });
    reply = { status: 200, body: JSON.stringify({ status: "REGISTERED", eLicenceReference: "EL-42" }) };
    expect(await registry.lookup(WANG)).toEqual({ status: "REGISTERED", eLicenceReference: "EL-42" });
    expect(seen.at(-1)).toEqual({
      authorization: `Basic ${Buffer.from("ihp-test:s3cret").toString("base64")}`,
      path: "/api/practitioners/lookup",
      body: WANG,
    });
    reply = { status: 200, body: JSON.stringify({ status: "SUSPENDED" }) };
    expect(await registry.lookup(WANG)).toEqual({ status: "SUSPENDED" });
  });

  it("IDN-01: an error status or an unexpected answer throws (the caller records UNAVAILABLE)", async () => {
    const registry = createHttpRegistry({ url, clientId: "ihp-test", clientSecret: "s3cret" });
    reply = { status: 503, body: "{}" };
    await expect(registry.lookup(WANG)).rejects.toThrow(/HTTP 503/);
    reply = { status: 200, body: JSON.stringify({ status: "PERHAPS" }) };
    await expect(registry.lookup(WANG)).rejects.toThrow();
  });
});

describe("offline face match (a signed-result stand-in, not a recogniser)", () => {
  const key = Buffer.alloc(32, 7);
  const now = new Date("2026-03-02T02:00:00Z");
  const port = createOfflineFaceMatch({ key });
  const sub = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f71";

  it("IDN-02: accepts a fresh MATCH signed with the key for that practitioner", async () => {
    const evidence = signFaceMatch(key, { sub, result: "MATCH", ref: "FM-1", iat: now.getTime() - 1000 });
    expect(await port.verify({ practitionerId: sub, evidence, now })).toEqual({ matched: true, reference: "FM-1" });
  });

  it("IDN-02: refuses another key, another practitioner, NO_MATCH, stale results and garbage", async () => {
    const good = { sub, result: "MATCH" as const, ref: "FM-1", iat: now.getTime() };
    const cases = [
      signFaceMatch(Buffer.alloc(32, 8), good),
      signFaceMatch(key, { ...good, sub: "someone-else" }),
      signFaceMatch(key, { ...good, result: "NO_MATCH" }),
      signFaceMatch(key, { ...good, iat: now.getTime() - 11 * 60_000 }),
      "fm1.e30.AAAA",
      "",
    ];
    for (const evidence of cases) {
      expect(await port.verify({ practitionerId: sub, evidence, now })).toEqual({ matched: false });
    }
  });
});

describe("ID-number sealer", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "identity-sealer-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("REP-03: seals with a key file it creates (0600), opens only for the same practitioner, after a reopen", async () => {
    const file = join(dir, "k", "practitioner-pii.key");
    const sealer = await openIdNumberSealer(file);
    const sealed = sealer.seal("110105198001010016", "p-1");
    expect(sealed).not.toContain("110105198001010016");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const reopened = await openIdNumberSealer(file);
    expect(reopened.open(sealed, "p-1")).toBe("110105198001010016");
    expect(() => reopened.open(sealed, "p-2")).toThrow();
    expect((await readFile(file, "utf8")).length).toBe(64);
  });
});
