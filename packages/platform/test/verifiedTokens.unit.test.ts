import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { AuthenticationError, BuiltinIssuer, type TokenRequest, TokenVerifier } from "../src/index.js";

// Issue 15 item 3: a token is verified in full once, then answered from a bounded cache until it expires; the cache
// never accepts what the full verification would refuse at that moment.
const ISSUER = "urn:ihp:builtin";
const AUDIENCE = "ihp";
const START = new Date("2025-03-01T08:00:00Z").getTime();
const physician: TokenRequest = { subject: "u-1001", roles: ["physician"], tenantId: "inst-1", ttlSeconds: 900 };

let issuer: BuiltinIssuer;
let nowMs = START;
const now = (): Date => new Date(nowMs);

beforeAll(async () => {
  issuer = await BuiltinIssuer.create({ issuer: ISSUER, audience: AUDIENCE, now: () => new Date(START) });
});
afterEach(() => {
  nowMs = START;
  vi.restoreAllMocks();
});

/** Counts the signature checks WebCrypto makes (jose verifies through crypto.subtle). */
function countSignatureChecks(): { readonly count: number } {
  const spy = vi.spyOn(globalThis.crypto.subtle, "verify");
  return {
    get count() {
      return spy.mock.calls.length;
    },
  };
}

async function refusalOf(verifier: TokenVerifier, token: string): Promise<string> {
  const outcome = await verifier.verify(token).then(
    () => "accepted",
    (error: unknown) => (error instanceof AuthenticationError ? error.code : String(error)),
  );
  return outcome;
}

describe("TokenVerifier's cache of verified tokens (issue 15)", () => {
  it("checks a token's signature once and answers the same principal afterwards", async () => {
    const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: ISSUER, audience: AUDIENCE, now });
    const token = await issuer.issue({ ...physician, sessionId: "s-1" });
    const checks = countSignatureChecks();
    const first = await verifier.verify(token);
    const again = await verifier.verify(token);
    expect(checks.count).toBe(1);
    expect(again).toEqual(first);
    expect(again).toMatchObject({ subject: "u-1001", tenantId: "inst-1", sessionId: "s-1" });
    // One principal answers every call that carries the token: no call can change it for the others.
    expect(Object.isFrozen(again) && Object.isFrozen(again.roles)).toBe(true);
  });

  it("refuses a cached token once it has expired (beyond the clock tolerance), as without the cache", async () => {
    const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: ISSUER, audience: AUDIENCE, now, clockToleranceSeconds: 5 });
    const token = await issuer.issue(physician);
    expect((await verifier.verify(token)).subject).toBe("u-1001");
    nowMs = START + 900_000 + 4_000; // within the tolerance: still valid
    expect((await verifier.verify(token)).subject).toBe("u-1001");
    nowMs = START + 900_000 + 5_000;
    expect(await refusalOf(verifier, token)).toBe("TOKEN_EXPIRED");
    nowMs = START; // and the refusal did not leave it cached as good
    const checks = countSignatureChecks();
    expect((await verifier.verify(token)).subject).toBe("u-1001");
    expect(checks.count).toBe(1);
  });

  it("keeps nothing refused: a tampered token meets the full check every time", async () => {
    const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: ISSUER, audience: AUDIENCE, now });
    const token = await issuer.issue(physician);
    await verifier.verify(token);
    const [head, body, signature] = token.split(".");
    const forged = `${head}.${body}.${signature!.slice(0, -4)}${signature!.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    const checks = countSignatureChecks();
    expect(await refusalOf(verifier, forged)).toBe("TOKEN_SIGNATURE_INVALID");
    expect(await refusalOf(verifier, forged)).toBe("TOKEN_SIGNATURE_INVALID");
    expect(checks.count).toBe(2);
  });

  it("is bounded: the least recently used token is verified again", async () => {
    const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: ISSUER, audience: AUDIENCE, now, cachedTokens: 2 });
    const [a, b, c] = await Promise.all(["u-1", "u-2", "u-3"].map((subject) => issuer.issue({ ...physician, subject })));
    const checks = countSignatureChecks();
    await verifier.verify(a!);
    await verifier.verify(b!);
    await verifier.verify(a!); // a is now the most recent
    await verifier.verify(c!); // evicts b
    expect(checks.count).toBe(3);
    await verifier.verify(a!);
    await verifier.verify(c!);
    expect(checks.count).toBe(3);
    expect((await verifier.verify(b!)).subject).toBe("u-2");
    expect(checks.count).toBe(4);
  });

  it("verifies every time with cachedTokens 0", async () => {
    const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: ISSUER, audience: AUDIENCE, now, cachedTokens: 0 });
    const token = await issuer.issue(physician);
    const checks = countSignatureChecks();
    await verifier.verify(token);
    await verifier.verify(token);
    expect(checks.count).toBe(2);
  });
});

describe("with a remote JWKS", () => {
  let server: Server;
  let jwksUrl: string;
  beforeAll(async () => {
    server = createServer((_request, response) => response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(issuer.jwks())));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("trusts a verified token no longer than the keys are cached, so a withdrawn key stops working as before", async () => {
    const verifier = TokenVerifier.fromRemoteJwks(jwksUrl, { issuer: ISSUER, audience: AUDIENCE, now, cacheMaxAgeMs: 60_000 });
    const token = await issuer.issue(physician);
    const checks = countSignatureChecks();
    await verifier.verify(token);
    nowMs = START + 59_000;
    await verifier.verify(token);
    expect(checks.count).toBe(1);
    nowMs = START + 60_000;
    await verifier.verify(token);
    expect(checks.count).toBe(2);
  });
});
