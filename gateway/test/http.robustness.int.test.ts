import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { persistedQueryHash } from "../src/http/persistedQueries.js";
import { type GraphQLBody, type Harness, startHarness } from "./support/harness.js";

const STRICT = { accept: "application/graphql-response+json" };
const codes = (body: GraphQLBody): unknown[] => (body.errors ?? []).map((error) => error.extensions?.["code"]);

/** A raw HTTP exchange on loopback, for what inject() cannot show (socket behaviour, Node's own refusals). */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer; chunk?: number }) {
  return new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? "GET", headers: options.headers }, (response) => {
      const parts: Buffer[] = [];
      response.on("data", (part: Buffer) => parts.push(part));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(parts).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("error", reject);
    const { body } = options;
    if (body === undefined) {
      request.end();
      return;
    }
    // Upload in chunks, as a browser does, so a server that answers early and resets the socket is caught.
    const size = options.chunk ?? 16 * 1024;
    let offset = 0;
    const pump = (): void => {
      while (offset < body.length) {
        const part = body.subarray(offset, offset + size);
        offset += size;
        if (!request.write(part)) {
          request.once("drain", pump);
          return;
        }
      }
      request.end();
    };
    pump();
  });
}

describe("HTTP robustness of /graphql (issue 13)", () => {
  let h: Harness;
  let base: string;

  beforeAll(async () => {
    h = await startHarness();
    base = await h.app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(() => h.close());

  it("item 10: GET with an unknown operationName, or two unnamed operations, is refused as GRAPHQL_VALIDATION_FAILED, never a 500", async () => {
    const two = encodeURIComponent("query A { __typename } query B { __typename }");
    for (const url of [`/graphql?query=${two}&operationName=C`, `/graphql?query=${two}`, `/graphql?query=${encodeURIComponent("{ __typename }")}&operationName=X`]) {
      const json = await h.app.inject({ method: "GET", url });
      expect(json.statusCode, url).toBe(200);
      expect(codes(json.json<GraphQLBody>()), url).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
      const strict = await h.app.inject({ method: "GET", url, headers: STRICT });
      expect(strict.statusCode, url).toBe(400);
      expect(codes(strict.json<GraphQLBody>()), url).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    }
    const post = await h.app.inject({ method: "POST", url: "/graphql", headers: STRICT, payload: { query: "query A { __typename }", operationName: "B" } });
    expect(post.statusCode).toBe(400);
    expect(post.json<GraphQLBody>().errors?.[0]?.message).toBe('Unknown operation named "B".');
    const chosen = await h.app.inject({ method: "GET", url: `/graphql?query=${two}&operationName=B` });
    expect(chosen.json<GraphQLBody>()).toEqual({ data: { __typename: "Query" } });
  });

  it("item 12: unknown routes and OPTIONS answer with extensions.code", async () => {
    const missing = await h.app.inject({ method: "GET", url: "/nowhere" });
    expect(missing.statusCode).toBe(404);
    expect(codes(missing.json<GraphQLBody>())).toEqual(["ROUTE_NOT_FOUND"]);
    expect(missing.json<GraphQLBody>().errors?.[0]?.extensions?.["messageZh"]).toBe("请求的地址不存在。");
    const options = await h.app.inject({ method: "OPTIONS", url: "/graphql" });
    expect(options.statusCode).toBe(404);
    expect(codes(options.json<GraphQLBody>())).toEqual(["ROUTE_NOT_FOUND"]);
    const put = await h.app.inject({ method: "PUT", url: "/graphql", payload: {} });
    expect(codes(put.json<GraphQLBody>())).toEqual(["ROUTE_NOT_FOUND"]);
  });

  it("item 12: oversized headers get 431 with REQUEST_HEADERS_TOO_LARGE in the body", async () => {
    const response = await raw(`${base}/graphql?query=${encodeURIComponent("{ __typename }")}`, { headers: { "x-filler": "x".repeat(40_000) } });
    expect(response.status).toBe(431);
    expect(codes(JSON.parse(response.text) as GraphQLBody)).toEqual(["REQUEST_HEADERS_TOO_LARGE"]);
  });

  it("item 12: a body over the limit gets a clean 413 with PAYLOAD_TOO_LARGE while it is still uploading (length known or chunked)", async () => {
    const query = JSON.stringify({ query: `{ __typename } # ${"x".repeat(1_000_000)}` });
    const body = Buffer.from(query);
    const known = await raw(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json", "content-length": String(body.length) }, body });
    expect(known.status).toBe(413);
    expect(codes(JSON.parse(known.text) as GraphQLBody)).toEqual(["PAYLOAD_TOO_LARGE"]);
    const chunked = await raw(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" }, body });
    expect(chunked.status).toBe(413);
    expect(codes(JSON.parse(chunked.text) as GraphQLBody)).toEqual(["PAYLOAD_TOO_LARGE"]);
  });

  it("item 13: security headers (helmet) on every answer", async () => {
    const response = await h.app.inject({ method: "GET", url: "/healthz" });
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["strict-transport-security"]).toBeDefined();
    expect(response.headers["content-security-policy"]).toBeDefined();
    expect(response.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("item 13: regulatorFeed with the whole payload union is priced by the real page size and the dearest branch", async () => {
    const query = `query($first: Int) { regulatorFeed(first: $first) { edges { cursor node { position sourceEventId category institutionId jurisdiction occurredAt payload { ${PAYLOAD} } } } pageInfo { endCursor hasNextPage } } }`;
    const token = await h.token(["regulator"]);
    for (const variables of [{ first: 10 }, { first: 40 }]) {
      const response = await h.post(query, variables, token);
      expect(codes(response.body), JSON.stringify(variables)).not.toContain("QUERY_TOO_COMPLEX");
    }
    const literal = await h.post(query.replace("$first", "40").replace("query($first: Int) ", ""), undefined, token);
    expect(codes(literal.body)).not.toContain("QUERY_TOO_COMPLEX");
    const tooMuch = await h.post(`{ a: regulatorFeed(first: 100) { edges { node { payload { ${PAYLOAD} } } } } b: regulatorFeed(first: 100) { edges { node { payload { ${PAYLOAD} } } } } }`, undefined, token);
    expect(codes(tooMuch.body)).toEqual(["QUERY_TOO_COMPLEX"]);
  });
});

describe("CORS, rate limit, persisted queries, introspection (issue 13, configured)", () => {
  const ORIGIN = "https://doctor.example.cn";
  const PERSISTED = "query Ping { __typename }";
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      corsOrigins: [ORIGIN],
      rateLimit: { max: 5, windowMs: 60_000 },
      persistedQueries: { queries: { [persistedQueryHash(PERSISTED)]: PERSISTED }, only: true },
      introspection: true,
    });
  });
  afterAll(() => h.close());

  const persisted = (hash: string, headers: Record<string, string> = {}) =>
    h.app.inject({ method: "POST", url: "/graphql", headers, payload: { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } } });

  it("answers a preflight from an allowed origin, and not from another", async () => {
    const allowed = await h.app.inject({ method: "OPTIONS", url: "/graphql", headers: { origin: ORIGIN, "access-control-request-method": "POST" } });
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers["access-control-allow-origin"]).toBe(ORIGIN);
    const other = await h.app.inject({ method: "OPTIONS", url: "/graphql", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    const broken = await h.app.inject({ method: "OPTIONS", url: "/graphql" });
    expect(broken.statusCode).toBe(400);
    expect(codes(broken.json<GraphQLBody>())).toEqual(["BAD_REQUEST"]);
  });

  it("runs persisted queries by hash and, in persisted-only mode, refuses query text and unknown hashes", async () => {
    const ok = await persisted(persistedQueryHash(PERSISTED), { "x-forwarded-for": "a" });
    expect(ok.json<GraphQLBody>()).toEqual({ data: { __typename: "Query" } });
    const unknown = await persisted("0".repeat(64));
    expect(unknown.statusCode).toBe(400);
    expect(codes(unknown.json<GraphQLBody>())).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
    const text = await h.app.inject({ method: "POST", url: "/graphql", payload: { query: "{ __typename }" } });
    expect(text.statusCode).toBe(400);
    expect(codes(text.json<GraphQLBody>())).toEqual(["PERSISTED_QUERY_REQUIRED"]);
  });

  it("limits requests per account when the token is valid, else per client address, with 429 RATE_LIMITED", async () => {
    // Five requests per minute per key; the tests above used some of this address's.
    const alice = await h.token(["patient"], "guangxi", "alice");
    const bob = await h.token(["patient"], "guangxi", "bob");
    const as = (token: string, ip: string) =>
      h.app.inject({ method: "GET", url: "/healthz", remoteAddress: ip, headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 5; i += 1) expect((await as(alice, `10.0.0.${i}`)).statusCode).toBe(200);
    // Alice from a sixth address is still Alice.
    const limited = await as(alice, "10.0.0.99");
    expect(limited.statusCode).toBe(429);
    expect(codes(limited.json<GraphQLBody>())).toEqual(["RATE_LIMITED"]);
    expect(limited.headers["retry-after"]).toBeDefined();
    expect((await as(bob, "10.0.0.99")).statusCode).toBe(200);

    const anonymous = () => h.app.inject({ method: "POST", url: "/graphql", remoteAddress: "10.1.1.1", payload: { query: "{ __typename }" } });
    for (let i = 0; i < 5; i += 1) expect((await anonymous()).statusCode).not.toBe(429);
    const refused = await anonymous();
    expect(refused.statusCode).toBe(429);
    expect(codes(refused.json<GraphQLBody>())).toEqual(["RATE_LIMITED"]);
  });
});

const PAYLOAD = `__typename
  ... on InstitutionLicenceEntry { name grade licenceNumber licenceValidFrom licenceValidUntil subjectCodes hostLicenceNumber }
  ... on RegulatorConnectionEntry { connected platformReference }
  ... on StaffRecordEntry { practitionerId change profession name idNumber practiceLicenceNumber title scopeCodes departmentCodes mainInstitutionName practiceStartedOn photoHash active }
  ... on ConsultStartedEntry { consultId consultType departmentCode patientId physicianId startedAt priorRecordId }
  ... on ConsultCompletedEntry { consultId physicianId completedAt diagnosisCodes summaryHash }
  ... on ConsultTerminatedEntry { consultId physicianId reasonCode terminatedAt referredOffline }
  ... on ConsultRefusedEntry { consultId consultType departmentCode reasonCode refusedAt }
  ... on PrescriptionSignedEntry { prescriptionId serialNumber predecessorSerialNumber consultId physicianId patientId issuedOn validUntil drugs { drugCode approvedName quantity quantityUnit daysSupply } diagnosisCodes signatureCertificateSerial signatureAlgorithm }
  ... on PrescriptionVoidedEntry { prescriptionId serialNumber voidedAt }
  ... on PrescriptionReviewEntry { prescriptionId serialNumber outcome reasonCode pharmacistId reviewedAt signatureCertificateSerial }
  ... on DispensingEntry { prescriptionId serialNumber pharmacyId pharmacistId dispensedAt }
  ... on DeliveryDispatchedEntry { deliveryId prescriptionId serialNumber pharmacyId carrier agreementId trackingNumber handedOverAt }
  ... on DeliveryStatusEntry { deliveryId prescriptionId status at }`;
