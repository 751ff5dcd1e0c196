// A stand-in for a licensed CA's HTTP API, speaking the protocol in README.md, with switches for misbehaviour.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo } from "node:net";
import { LocalCertificateAuthority, type Certificate, type SignatureAlgorithmName } from "../../src/index.js";

export type Misbehaviour = "none" | "signs-with-other-key" | "certifies-other-subject" | "not-json" | "server-error" | "hangs" | "rejects-request";

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string;
  readonly body: string;
}

export interface StandInCa {
  readonly baseUrl: string;
  readonly ca: LocalCertificateAuthority;
  readonly requests: RecordedRequest[];
  misbehaviour: Misbehaviour;
  /** Forget issued tokens, as a CA does on rotation: the next API call gets 401. */
  invalidateTokens(): void;
  close(): Promise<void>;
}

export const CLIENT_ID = "ihp-hospital-01";
export const CLIENT_SECRET = "s3cret:with/odd chars";

export async function startStandInCa(options: { name: string; algorithm: SignatureAlgorithmName }): Promise<StandInCa> {
  const ca = await LocalCertificateAuthority.open(options);
  const impostor = await LocalCertificateAuthority.open(options);
  const issued = new Set<string>();
  const revoked = new Set<string>();
  let tokens = new Set<string>();
  let tokenCounter = 0;

  const state: Omit<StandInCa, "baseUrl" | "close"> = {
    ca,
    requests: [],
    misbehaviour: "none",
    invalidateTokens: () => {
      tokens = new Set();
    },
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const path = new URL(request.url ?? "/", "http://stand-in").pathname;
    const authorization = request.headers.authorization ?? "";
    state.requests.push({ method: request.method ?? "", path, authorization, body });
    if (state.misbehaviour === "hangs") return;

    if (request.method === "POST" && path === "/api/v1/oauth/token") {
      const expected = `Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString("base64")}`;
      if (authorization !== expected || new URLSearchParams(body).get("grant_type") !== "client_credentials") {
        return send(response, 401, { error: "invalid_client" });
      }
      const token = `token-${++tokenCounter}`;
      tokens.add(token);
      return send(response, 200, { access_token: token, token_type: "Bearer", expires_in: 3600 });
    }

    if (!tokens.has(authorization.replace(/^Bearer /, ""))) return send(response, 401, { error: "invalid_token" });
    if (state.misbehaviour === "server-error") return send(response, 503, { error: "maintenance" });
    if (state.misbehaviour === "rejects-request") return send(response, 422, { error: "subject_not_registered", message: "张医生 unknown" });

    if (request.method === "POST" && path === "/api/v1/certificates") {
      if (state.misbehaviour === "not-json") return sendRaw(response, 201, "<html>ok</html>");
      const asked = JSON.parse(body) as Record<string, string>;
      const issueRequest = {
        subjectId: state.misbehaviour === "certifies-other-subject" ? "someone-else" : (asked.subjectId ?? ""),
        subjectName: asked.subjectName ?? "",
        algorithm: asked.algorithm as SignatureAlgorithmName,
        publicKey: asked.publicKey ?? "",
        notBefore: new Date(asked.notBefore ?? ""),
        notAfter: new Date(asked.notAfter ?? ""),
      };
      const signer = state.misbehaviour === "signs-with-other-key" ? impostor : ca;
      let cert: Certificate;
      try {
        cert = await signer.issue(issueRequest);
      } catch {
        return send(response, 400, { error: "invalid_request" });
      }
      issued.add(cert.serial);
      return send(response, 201, cert);
    }

    const revocation = /^\/api\/v1\/certificates\/([^/]+)\/revocation$/.exec(path);
    if (request.method === "POST" && revocation) {
      const serial = decodeURIComponent(revocation[1]!);
      if (!issued.has(serial)) return send(response, 404, { error: "unknown_serial" });
      if (revoked.has(serial)) return send(response, 409, { error: "already_revoked" });
      const { reason, revokedAt } = JSON.parse(body) as { reason: string; revokedAt: string };
      revoked.add(serial);
      await ca.revoke(serial, reason, new Date(revokedAt));
      response.writeHead(204).end();
      return;
    }
    return send(response, 404, { error: "no_route" });
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return Object.assign(state, {
    baseUrl: `http://127.0.0.1:${port}/api/v1/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  sendRaw(response, status, JSON.stringify(body), "application/json");
}

function sendRaw(response: ServerResponse, status: number, body: string, type = "text/html"): void {
  response.writeHead(status, { "content-type": type }).end(body);
}
