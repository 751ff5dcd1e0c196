import { afterEach, describe, expect, it } from "vitest";
import {
  CertificateAuthorityError,
  checkCertificate,
  generateKeyPair,
  HttpCertificateAuthority,
  type CertificateAuthorityErrorCode,
  type IssueRequest,
} from "../src/index.js";
import { CLIENT_ID, CLIENT_SECRET, startStandInCa, type StandInCa } from "./support/standInCa.js";

// No real CA was available: these tests exercise the adapter against a local stand-in speaking the documented protocol.
const notBefore = new Date("2025-06-01T00:00:00.000Z");
const notAfter = new Date("2026-06-01T00:00:00.000Z");
let standIn: StandInCa | undefined;

afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function setUp(options: { timeoutMs?: number; clientSecret?: string } = {}) {
  standIn = await startStandInCa({ name: "Licensed CA (stand-in)", algorithm: "SM2_SM3" });
  const adapter = new HttpCertificateAuthority({
    baseUrl: standIn.baseUrl,
    clientId: CLIENT_ID,
    clientSecret: options.clientSecret ?? CLIENT_SECRET,
    anchor: standIn.ca.trustAnchor(),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  return { standIn, adapter };
}

function request(): IssueRequest {
  return { subjectId: "prac-007", subjectName: "王药师", algorithm: "SM2_SM3", publicKey: generateKeyPair("SM2_SM3").publicKey, notBefore, notAfter };
}

const failsWith = (code: CertificateAuthorityErrorCode) => (error: unknown) =>
  error instanceof CertificateAuthorityError && error.code === code;

describe("HttpCertificateAuthority against a stand-in CA", () => {
  it("IDN-09: issues through POST /certificates with a client-credentials bearer token, and the certificate checks OK", async () => {
    const { standIn, adapter } = await setUp();
    const asked = request();
    const cert = await adapter.issue(asked);
    expect(cert).toMatchObject({ subjectId: "prac-007", publicKey: asked.publicKey, issuer: "Licensed CA (stand-in)" });
    expect(checkCertificate(cert, adapter.trustAnchor(), new Date("2025-12-01T00:00:00Z"))).toBe("OK");
    expect(adapter.name).toBe("Licensed CA (stand-in)");
    const [token, issue] = standIn.requests;
    expect(token).toMatchObject({ method: "POST", path: "/api/v1/oauth/token", body: "grant_type=client_credentials" });
    expect(token!.authorization).toMatch(/^Basic /);
    expect(issue).toMatchObject({ method: "POST", path: "/api/v1/certificates", authorization: "Bearer token-1" });
    expect(JSON.parse(issue!.body)).toEqual({
      subjectId: "prac-007",
      subjectName: "王药师",
      algorithm: "SM2_SM3",
      publicKey: asked.publicKey,
      notBefore: "2025-06-01T00:00:00.000Z",
      notAfter: "2026-06-01T00:00:00.000Z",
    });
  });

  it("IDN-09: reuses the token across calls and fetches a new one once when the CA answers 401", async () => {
    const { standIn, adapter } = await setUp();
    await adapter.issue(request());
    await adapter.issue(request());
    expect(standIn.requests.filter((r) => r.path.endsWith("/oauth/token"))).toHaveLength(1);
    standIn.invalidateTokens();
    await adapter.issue(request());
    expect(standIn.requests.map((r) => `${r.path.split("/").pop()}:${r.authorization.replace(/^Basic .*/, "basic")}`)).toEqual([
      "token:basic",
      "certificates:Bearer token-1",
      "certificates:Bearer token-1",
      "certificates:Bearer token-1",
      "token:basic",
      "certificates:Bearer token-2",
    ]);
  });

  it("IDN-09: concurrent first calls share one token request", async () => {
    const { standIn, adapter } = await setUp();
    await Promise.all([adapter.issue(request()), adapter.issue(request()), adapter.issue(request())]);
    expect(standIn.requests.filter((r) => r.path.endsWith("/oauth/token"))).toHaveLength(1);
  });

  it("IDN-09: revokes through POST /certificates/{serial}/revocation; repeating it succeeds; an unknown serial is CA_CERTIFICATE_NOT_FOUND", async () => {
    const { standIn, adapter } = await setUp();
    const cert = await adapter.issue(request());
    const at = new Date("2025-09-01T10:00:00.000Z");
    await adapter.revoke(cert.serial, "PRIVILEGE_WITHDRAWN", at);
    await adapter.revoke(cert.serial, "PRIVILEGE_WITHDRAWN", at);
    expect(standIn.ca.revocations()).toEqual([{ serial: cert.serial, reason: "PRIVILEGE_WITHDRAWN", at: at.toISOString() }]);
    const call = standIn.requests.find((r) => r.path.endsWith("/revocation"));
    expect(call).toMatchObject({ path: `/api/v1/certificates/${cert.serial}/revocation`, authorization: "Bearer token-1" });
    expect(JSON.parse(call!.body)).toEqual({ reason: "PRIVILEGE_WITHDRAWN", revokedAt: at.toISOString() });
    await expect(adapter.revoke("feedface", "X", at)).rejects.toSatisfy(failsWith("CA_CERTIFICATE_NOT_FOUND"));
  });

  it("IDN-09: refuses a certificate signed by another key or for another subject (CA_RESPONSE_INVALID)", async () => {
    const { standIn, adapter } = await setUp();
    standIn.misbehaviour = "signs-with-other-key";
    await expect(adapter.issue(request())).rejects.toSatisfy(failsWith("CA_RESPONSE_INVALID"));
    standIn.misbehaviour = "certifies-other-subject";
    await expect(adapter.issue(request())).rejects.toSatisfy(failsWith("CA_RESPONSE_INVALID"));
    standIn.misbehaviour = "not-json";
    await expect(adapter.issue(request())).rejects.toSatisfy(failsWith("CA_RESPONSE_INVALID"));
  });

  it("IDN-09: maps CA refusals, outages, bad credentials and timeouts to stable codes without echoing the CA's text", async () => {
    const { standIn, adapter } = await setUp({ timeoutMs: 300 });
    standIn.misbehaviour = "rejects-request";
    const rejected = await adapter.issue(request()).catch((error: unknown) => error);
    expect(rejected).toSatisfy(failsWith("CA_REQUEST_INVALID"));
    expect((rejected as Error).message).toContain("subject_not_registered");
    expect((rejected as Error).message).not.toContain("张医生");
    standIn.misbehaviour = "server-error";
    await expect(adapter.issue(request())).rejects.toSatisfy(failsWith("CA_UNAVAILABLE"));
    standIn.misbehaviour = "hangs";
    await expect(adapter.issue(request())).rejects.toSatisfy(failsWith("CA_UNAVAILABLE"));
  });

  it("IDN-09: wrong client credentials are CA_UNAVAILABLE; an invalid request never reaches the CA", async () => {
    const { standIn, adapter } = await setUp({ clientSecret: "wrong" });
    await expect(adapter.issue(request())).rejects.toSatisfy(failsWith("CA_UNAVAILABLE"));
    const before = standIn.requests.length;
    await expect(adapter.issue({ ...request(), publicKey: "04abcd" })).rejects.toSatisfy(failsWith("CA_REQUEST_INVALID"));
    expect(standIn.requests.length).toBe(before);
  });

  it("IDN-09: an unreachable CA is CA_UNAVAILABLE, and a malformed trust anchor is refused at construction", async () => {
    const anchor = { name: "x", algorithm: "SM2_SM3" as const, publicKey: generateKeyPair("SM2_SM3").publicKey };
    const adapter = new HttpCertificateAuthority({ baseUrl: "http://127.0.0.1:1", clientId: "a", clientSecret: "b", anchor, timeoutMs: 2000 });
    await expect(adapter.issue(request())).rejects.toSatisfy(failsWith("CA_UNAVAILABLE"));
    expect(() => new HttpCertificateAuthority({ baseUrl: "http://x", clientId: "a", clientSecret: "b", anchor: { ...anchor, publicKey: "04" } })).toThrow(TypeError);
  });
});
