import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { baseConfigSchema, openBuiltinIssuer, serviceTokenSource, TokenVerifier } from "../src/index.js";

describe("serviceTokenSource", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("IDN-03: builtin mode mints a cached system token of kind service, verifiable with the shared issuer key", async () => {
    dir = await mkdtemp(join(tmpdir(), "ihp-svc-token-"));
    const config = baseConfigSchema.parse({ SERVICE_NAME: "pharmacy", DATA_DIR: dir });
    const source = serviceTokenSource(config);
    const [first, second] = await Promise.all([source.token(), source.token()]);
    expect(second).toBe(first);
    const issuer = await openBuiltinIssuer(dir);
    const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
    const principal = await verifier.verify(first);
    expect(principal).toMatchObject({ subject: "svc:pharmacy", roles: ["system"], kind: "service", tenantId: "platform" });
  });

  it("OIDC mode uses the client-credentials grant and refuses a failed answer", async () => {
    const requests: { auth: string | undefined; body: string }[] = [];
    let status = 200;
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        requests.push({ auth: request.headers.authorization, body });
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify({ access_token: "tok-1", expires_in: 3600 }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
      const config = baseConfigSchema.parse({
        SERVICE_NAME: "pharmacy",
        AUTH_MODE: "oidc",
        OIDC_ISSUER: "https://idp.example",
        OIDC_JWKS_URL: "https://idp.example/jwks",
        OIDC_AUDIENCE: "ihp",
        OIDC_TOKEN_URL: url,
        OIDC_CLIENT_ID: "pharmacy",
        OIDC_CLIENT_SECRET: "s3cret",
      });
      expect(await serviceTokenSource(config).token()).toBe("tok-1");
      expect(requests[0]?.auth).toBe(`Basic ${Buffer.from("pharmacy:s3cret").toString("base64")}`);
      expect(requests[0]?.body).toBe("grant_type=client_credentials&audience=ihp");
      status = 401;
      await expect(serviceTokenSource(config).token()).rejects.toThrow(/HTTP 401/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
