import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Metadata, status } from "@grpc/grpc-js";
import { base64url, generateSecret, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuthenticationError,
  type AuthenticationFailure,
  authenticateCall,
  authorize,
  bearerToken,
  BuiltinIssuer,
  defaultIssuerKeyFile,
  denialError,
  type Principal,
  principalFromClaims,
  type TokenRequest,
  TokenVerifier,
  toGrpcError,
  withBearerToken,
} from "../src/index.js";

const ISSUER = "urn:ihp:builtin";
const AUDIENCE = "ihp";
const NOW = new Date("2025-03-01T08:00:00Z");
const physician: TokenRequest = { subject: "u-1001", roles: ["physician"], tenantId: "inst-1" };

let issuer: BuiltinIssuer;
let verifier: TokenVerifier;

beforeAll(async () => {
  issuer = await BuiltinIssuer.create({ issuer: ISSUER, audience: AUDIENCE, now: () => NOW });
  verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: ISSUER, audience: AUDIENCE, now: () => NOW });
});

async function refusal(token: string, by: TokenVerifier = verifier): Promise<AuthenticationFailure> {
  try {
    await by.verify(token);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthenticationError);
    return (error as AuthenticationError).code;
  }
  throw new Error("token was accepted");
}

function tamper(token: string, part: 0 | 1 | 2, edit: (json: Record<string, unknown>) => void): string {
  const parts = token.split(".");
  const decoded = JSON.parse(new TextDecoder().decode(base64url.decode(parts[part]!))) as Record<string, unknown>;
  edit(decoded);
  parts[part] = base64url.encode(JSON.stringify(decoded));
  return parts.join(".");
}

describe("BuiltinIssuer and TokenVerifier", () => {
  it("accepts a valid ES256 token and builds the Principal", async () => {
    const token = await issuer.issue({ ...physician, acr: "ca-cert", amr: ["pwd", "otp"], authTime: NOW.getTime() / 1000 - 60, sessionId: "s-77" });
    const principal = await verifier.verify(token);
    expect(principal).toEqual({
      subject: "u-1001",
      roles: ["physician"],
      tenantId: "inst-1",
      kind: "human",
      acr: "ca-cert",
      amr: ["pwd", "otp"],
      authTime: NOW.getTime() / 1000 - 60,
      sessionId: "s-77",
    });
    expect(issuer.jwks().keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", kid: issuer.kid });
    expect(issuer.jwks().keys[0]).not.toHaveProperty("d");
  });

  it("marks system tokens as service principals and drops roles it does not know", async () => {
    const token = await issuer.issue({ subject: "svc:consult", roles: ["system"], tenantId: "platform" });
    expect(await verifier.verify(token)).toMatchObject({ kind: "service", roles: ["system"] });
    // An OIDC provider may add roles of other applications; they grant nothing here.
    const mixed = await issuer.issue({ ...physician, roles: ["physician", "offline_access", "physician"] as never });
    expect((await verifier.verify(mixed)).roles).toEqual(["physician"]);
  });

  it("refuses an expired token, with tolerance for small clock drift", async () => {
    const past = await BuiltinIssuer.create({ issuer: ISSUER, audience: AUDIENCE, now: () => new Date(NOW.getTime() - 3_600_000) });
    const pastVerifier = TokenVerifier.fromJwks(past.jwks(), { issuer: ISSUER, audience: AUDIENCE, now: () => NOW });
    expect(await refusal(await past.issue({ ...physician, ttlSeconds: 900 }), pastVerifier)).toBe("TOKEN_EXPIRED");
    const justExpired = await past.issue({ ...physician, ttlSeconds: 3600 - 3 });
    expect((await pastVerifier.verify(justExpired)).subject).toBe("u-1001");
  });

  it("refuses a token not valid yet", async () => {
    const future = await BuiltinIssuer.create({ issuer: ISSUER, audience: AUDIENCE, now: () => new Date(NOW.getTime() + 600_000) });
    const futureVerifier = TokenVerifier.fromJwks(future.jwks(), { issuer: ISSUER, audience: AUDIENCE, now: () => NOW });
    expect(await refusal(await future.issue(physician), futureVerifier)).toBe("TOKEN_NOT_YET_VALID");
  });

  it("refuses a wrong issuer or audience", async () => {
    expect(await refusal(await issuer.issue({ ...physician, audience: "other-app" }))).toBe("TOKEN_CLAIMS_INVALID");
    const otherIssuer = TokenVerifier.fromJwks(issuer.jwks(), { issuer: "https://idp.example", audience: AUDIENCE, now: () => NOW });
    expect(await refusal(await issuer.issue(physician), otherIssuer)).toBe("TOKEN_CLAIMS_INVALID");
  });

  it("refuses HS256 (even keyed with the public key's bytes) and alg none", async () => {
    const secret = await generateSecret("HS256");
    const hs256 = await new SignJWT({ roles: ["system"], tenant: "inst-1" })
      .setProtectedHeader({ alg: "HS256", kid: issuer.kid })
      .setSubject("attacker")
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(NOW.getTime() / 1000 + 60)
      .sign(secret);
    expect(await refusal(hs256)).toBe("TOKEN_ALGORITHM_NOT_ALLOWED");
    const valid = await issuer.issue(physician);
    const none = tamper(valid, 0, (header) => {
      header["alg"] = "none";
    });
    expect(await refusal(`${none.split(".").slice(0, 2).join(".")}.`)).toBe("TOKEN_ALGORITHM_NOT_ALLOWED");
    expect(() => TokenVerifier.fromJwks(issuer.jwks(), { issuer: ISSUER, audience: AUDIENCE, algorithms: ["HS256"] })).toThrow(
      /not allowed/,
    );
  });

  it("refuses a tampered payload or signature and a token from another key", async () => {
    const valid = await issuer.issue(physician);
    const promoted = tamper(valid, 1, (payload) => {
      payload["roles"] = ["institution_admin"];
    });
    expect(await refusal(promoted)).toBe("TOKEN_SIGNATURE_INVALID");
    const [head, body, signature] = valid.split(".");
    const flipped = signature!.startsWith("A") ? `B${signature!.slice(1)}` : `A${signature!.slice(1)}`;
    expect(await refusal(`${head}.${body}.${flipped}`)).toBe("TOKEN_SIGNATURE_INVALID");
    const stranger = await BuiltinIssuer.create({ issuer: ISSUER, audience: AUDIENCE, now: () => NOW });
    expect(await refusal(await stranger.issue(physician))).toBe("TOKEN_SIGNATURE_INVALID");
    const sameKidOtherKey = tamper(await stranger.issue(physician), 0, (header) => {
      header["kid"] = issuer.kid;
    });
    expect(await refusal(sameKidOtherKey)).toBe("TOKEN_SIGNATURE_INVALID");
  });

  it("refuses garbage and tokens with malformed platform claims", async () => {
    expect(await refusal("not-a-jwt")).toBe("TOKEN_MALFORMED");
    expect(await refusal("")).toBe("TOKEN_MALFORMED");
    expect(await refusal(await issuer.issue({ ...physician, tenantId: "" }))).toBe("TOKEN_CLAIMS_INVALID");
    const base = { sub: "u-1", roles: ["physician"], tenant: "inst-1" };
    for (const bad of [
      { ...base, sub: "" },
      { ...base, roles: "physician" },
      { ...base, tenant: 7 },
      { ...base, kind: "robot" },
      { ...base, amr: "pwd" },
      { ...base, auth_time: "yesterday" },
    ]) {
      expect(() => principalFromClaims(bad), JSON.stringify(bad)).toThrow(AuthenticationError);
    }
    expect(principalFromClaims({ sub: "u-1", tenant: "inst-1" })).toMatchObject({ roles: [], kind: "human" });
  });

  it("keeps its key in DATA_DIR across restarts, readable only by its owner", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "ihp-issuer-"));
    try {
      const keyFile = defaultIssuerKeyFile(dataDir);
      const first = await BuiltinIssuer.create({ issuer: ISSUER, audience: AUDIENCE, keyFile, now: () => NOW });
      const second = await BuiltinIssuer.create({ issuer: ISSUER, audience: AUDIENCE, keyFile, now: () => NOW });
      expect(second.kid).toBe(first.kid);
      const token = await first.issue(physician);
      const restarted = TokenVerifier.fromJwks(second.jwks(), { issuer: ISSUER, audience: AUDIENCE, now: () => NOW });
      expect((await restarted.verify(token)).subject).toBe("u-1001");
      expect((await stat(keyFile)).mode & 0o077).toBe(0);
      expect(JSON.parse(await readFile(keyFile, "utf8"))).toHaveProperty("d");
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("TokenVerifier against a remote OIDC JWKS", () => {
  let server: Server;
  let jwksUrl: string;
  let requests = 0;
  let failing = false;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      requests++;
      if (failing) response.writeHead(503).end();
      else response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(issuer.jwks()));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("fetches the keys once and verifies with them", async () => {
    const remote = TokenVerifier.fromRemoteJwks(jwksUrl, { issuer: ISSUER, audience: AUDIENCE, now: () => NOW });
    expect((await remote.verify(await issuer.issue(physician))).tenantId).toBe("inst-1");
    expect((await remote.verify(await issuer.issue(physician))).tenantId).toBe("inst-1");
    expect(requests).toBe(1);
  });

  it("reports an unreachable key source as AUTH_UNAVAILABLE (14), not as a bad token", async () => {
    failing = true;
    try {
      const remote = TokenVerifier.fromRemoteJwks(jwksUrl, { issuer: ISSUER, audience: AUDIENCE, now: () => NOW });
      const code = await refusal(await issuer.issue(physician), remote);
      expect(code).toBe("AUTH_UNAVAILABLE");
      expect(toGrpcError(new AuthenticationError(code)).code).toBe(status.UNAVAILABLE);
    } finally {
      failing = false;
    }
  });
});

describe("authorize", () => {
  const doctor: Principal = { subject: "u-1", roles: ["physician"], tenantId: "inst-1", kind: "human" };

  it("allows a matching role in the same institution", () => {
    expect(authorize(doctor, { roles: ["physician", "nurse"], tenantId: "inst-1" })).toEqual({ allowed: true });
  });

  it("denies by default, with a stable reason and message", () => {
    expect(authorize(undefined, { roles: ["physician"] })).toMatchObject({ allowed: false, reason: "UNAUTHENTICATED" });
    expect(authorize(doctor, { roles: [] })).toMatchObject({ allowed: false, reason: "ROLE_NOT_ALLOWED" });
    expect(authorize(doctor, { roles: ["pharmacist"] })).toMatchObject({ allowed: false, reason: "ROLE_NOT_ALLOWED" });
    expect(authorize({ ...doctor, roles: [] }, { roles: ["physician"] })).toMatchObject({ reason: "ROLE_NOT_ALLOWED" });
    const other = authorize(doctor, { roles: ["physician"], tenantId: "inst-2" });
    expect(other).toEqual({ allowed: false, reason: "TENANT_MISMATCH", message: "This belongs to another institution." });
  });

  it("requires step-up by acr and by age of the last authentication", () => {
    const signing = { roles: ["physician"] as const, acr: ["ca-cert"] };
    expect(authorize(doctor, signing)).toMatchObject({ allowed: false, reason: "STEP_UP_REQUIRED" });
    expect(authorize({ ...doctor, acr: "ca-cert" }, signing)).toEqual({ allowed: true });
    const fresh = { roles: ["physician"] as const, maxAuthAge: { seconds: 300, now: NOW } };
    const authTime = NOW.getTime() / 1000;
    expect(authorize({ ...doctor, authTime: authTime - 60 }, fresh)).toEqual({ allowed: true });
    expect(authorize({ ...doctor, authTime: authTime - 600 }, fresh)).toMatchObject({ reason: "STEP_UP_REQUIRED" });
    expect(authorize(doctor, fresh)).toMatchObject({ reason: "STEP_UP_REQUIRED" });
  });

  it("turns a denial into the error callers throw", () => {
    const denied = authorize(doctor, { roles: ["regulator"] });
    if (denied.allowed) throw new Error("expected a denial");
    const grpcError = toGrpcError(denialError(denied));
    expect(grpcError.code).toBe(status.PERMISSION_DENIED);
    const unauthenticated = authorize(undefined, { roles: ["regulator"] });
    if (unauthenticated.allowed) throw new Error("expected a denial");
    expect(toGrpcError(denialError(unauthenticated)).code).toBe(status.UNAUTHENTICATED);
  });
});

describe("gRPC metadata helpers", () => {
  it("reads and writes bearer tokens on metadata", async () => {
    const token = await issuer.issue(physician);
    const metadata = withBearerToken(token);
    expect(metadata.get("authorization")).toEqual([`Bearer ${token}`]);
    expect(bearerToken(metadata)).toBe(token);
    const basic = new Metadata();
    basic.set("authorization", "Basic dXNlcjpwYXNz");
    expect(bearerToken(basic)).toBeUndefined();
    expect((await authenticateCall(metadata, verifier)).principal.subject).toBe("u-1001");
    await expect(authenticateCall(new Metadata(), verifier)).rejects.toMatchObject({ code: "TOKEN_MISSING" });
  });
});
