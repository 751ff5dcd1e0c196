import { getIntrospectionQuery } from "graphql/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphQLBody, type Harness, startHarness } from "./support/harness.js";

function codes(body: GraphQLBody): unknown[] {
  return (body.errors ?? []).map((error) => error.extensions?.["code"]);
}

/** Clients of the GraphQL-over-HTTP media type get a 4xx for a refused document (application/json ones get 200). */
const STRICT = { accept: "application/graphql-response+json" };

const PAGE = `edges { cursor node { id name grade licenceNumber subjectCodes jurisdiction } } pageInfo { endCursor hasNextPage }`;

describe("request limits and malformed requests", () => {
  let h: Harness;

  // POST /graphql as a client of application/graphql-response+json.
  async function post(query: string, variables?: Record<string, unknown>, token?: string): Promise<{ status: number; body: GraphQLBody }> {
    const response = await h.app.inject({
      method: "POST",
      url: "/graphql",
      headers: token === undefined ? STRICT : { ...STRICT, authorization: `Bearer ${token}` },
      payload: variables === undefined ? { query } : { query, variables },
    });
    return { status: response.statusCode, body: response.json<GraphQLBody>() };
  }

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("refuses a query nested 5,000 levels deep with QUERY_TOO_DEEP, not a 500, and keeps serving", async () => {
    const deep = `{ ${"publicInstitutions { edges { node { ".repeat(1)}${"a { ".repeat(5_000)}b${" }".repeat(5_000)} } } } }`;
    const { status, body } = await post(deep);
    expect(status).toBe(400);
    expect(codes(body)).toEqual(["QUERY_TOO_DEEP"]);
    expect(body.errors?.[0]?.extensions).toMatchObject({ messageZh: "查询的嵌套层级过深。", limit: 32 });

    // The same over GET, and nested through argument lists instead of selections.
    const get = await h.app.inject({ method: "GET", url: `/graphql?query=${encodeURIComponent(deep.slice(0, 8_000))}`, headers: STRICT });
    expect(get.statusCode).toBe(400);
    expect(get.json<GraphQLBody>().errors?.[0]?.extensions?.["code"]).toBe("QUERY_TOO_DEEP");
    const lists = await post(`{ publicInstitutions(after: ${"[".repeat(5_000)}${"]".repeat(5_000)}) { pageInfo { hasNextPage } } }`);
    expect(codes(lists.body)).toEqual(["QUERY_TOO_DEEP"]);

    const after = await h.post(`{ publicInstitutions(first: 1) { pageInfo { hasNextPage } } }`);
    expect(after.body).toEqual({ data: { publicInstitutions: { pageInfo: { hasNextPage: true } } } });
  });

  it("refuses malformed GraphQL with GRAPHQL_PARSE_FAILED and its location", async () => {
    const { status, body } = await post(`query { institution(id: "x" { id } }`);
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      {
        message: 'Syntax Error: Expected Name, found "{".',
        locations: [{ line: 1, column: 29 }],
        extensions: { code: "GRAPHQL_PARSE_FAILED", messageZh: "请求不是有效的 GraphQL 语句。" },
      },
    ]);
  });

  it("does not read an unparseable query as a JSON-encoded document (mercurius's fallback)", async () => {
    const { status, body } = await post(JSON.stringify({ kind: "Document", definitions: [] }));
    expect(status).toBe(400);
    expect(codes(body)).toEqual(["GRAPHQL_PARSE_FAILED"]);
  });

  it("refuses a variable of the wrong type, and an unknown enum value in a variable, with BAD_USER_INPUT", async () => {
    const wrongType = await post(`query($first: Int) { publicInstitutions(first: $first) { ${PAGE} } }`, { first: "ten" });
    expect(wrongType.status).toBe(400);
    expect(codes(wrongType.body)).toEqual(["BAD_USER_INPUT"]);
    expect(wrongType.body.errors?.[0]?.message).toContain('Variable "$first" got invalid value "ten"');

    const enumValue = await post(
      `mutation($input: RegisterInstitutionInput!) { registerInstitution(input: $input) { id } }`,
      {
        input: {
          requestId: "r",
          name: "n",
          grade: "FIVE_STAR",
          licence: { number: "1", validFrom: "2024-01-01", validUntil: "2025-01-01" },
          subjectCodes: [],
          jurisdiction: "guangxi",
          hostInstitutionName: "h",
          hostLicenceNumber: "2",
        },
      },
      await h.token(["institution_admin"]),
    );
    expect(enumValue.status).toBe(400);
    expect(codes(enumValue.body)).toEqual(["BAD_USER_INPUT"]);

    const missing = await post(`query($id: ID!) { institution(id: $id) { id } }`, {});
    expect(codes(missing.body)).toEqual(["BAD_USER_INPUT"]);
  });

  it("refuses what does not match the schema, including an unknown enum literal, with GRAPHQL_VALIDATION_FAILED", async () => {
    const unknownField = await post(`{ institution(id: "x") { id shoeSize } }`);
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors?.[0]).toMatchObject({
      message: 'Cannot query field "shoeSize" on type "Institution".',
      extensions: { code: "GRAPHQL_VALIDATION_FAILED", messageZh: "请求与接口定义不符。" },
    });
    const literal = await post(
      `mutation { registerInstitution(input: { requestId: "r", name: "n", grade: FIVE_STAR, licence: { number: "1", validFrom: "a", validUntil: "b" }, subjectCodes: [], jurisdiction: "x", hostInstitutionName: "h", hostLicenceNumber: "2" }) { id } }`,
    );
    expect(codes(literal.body)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    const cycle = await post(`query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }`);
    expect(codes(cycle.body)).toContain("GRAPHQL_VALIDATION_FAILED");
  });

  it("refuses an oversized body with 413 and PAYLOAD_TOO_LARGE", async () => {
    const { status, body } = await h.post(`{ publicInstitutions { pageInfo { hasNextPage } } } # ${"x".repeat(70_000)}`);
    expect(status).toBe(413);
    expect(body).toEqual({
      data: null,
      errors: [{ message: "The request is too large.", extensions: { code: "PAYLOAD_TOO_LARGE", messageZh: "请求内容过大。" } }],
    });
  });

  it("refuses too many tokens, too many aliases and too high a cost with QUERY_TOO_COMPLEX", async () => {
    const tokens = await post(`{ ${"__typename ".repeat(2_100)} }`);
    expect(tokens.status).toBe(400);
    expect(tokens.body.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: 2_000 });

    const aliases = await post(`{ ${Array.from({ length: 21 }, (_, i) => `a${i}: __typename`).join(" ")} }`);
    expect(aliases.body.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: 20 });

    // Each page of 100 costs ~900; six of them exceed 5,000 although every other limit holds.
    const cost = await post(`{ ${Array.from({ length: 6 }, (_, i) => `p${i}: publicInstitutions(first: 100) { ${PAGE} }`).join(" ")} }`);
    expect(cost.status).toBe(400);
    expect(cost.body.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: 5_000 });
    // A page size given as a variable is priced by its value (it used to count as 100 whatever it was).
    const sixPages = `query($n: Int) { ${Array.from({ length: 6 }, (_, i) => `p${i}: publicInstitutions(first: $n) { ${PAGE} }`).join(" ")} }`;
    const variable = await post(sixPages, { n: 100 });
    expect(variable.status).toBe(400);
    expect(codes(variable.body)).toEqual(["QUERY_TOO_COMPLEX"]);
    const small = await post(sixPages, { n: 1 });
    expect(small.body.errors).toBeUndefined();
    // The same inside a fragment: a document is priced again only when it has such a variable, fragments included.
    const inFragment = `query($n: Int) { ...Pages } fragment Pages on Query { ${Array.from({ length: 6 }, (_, i) => `p${i}: publicInstitutions(first: $n) { ${PAGE} }`).join(" ")} }`;
    expect(codes((await post(inFragment, { n: 100 })).body)).toEqual(["QUERY_TOO_COMPLEX"]);
    expect((await post(inFragment, { n: 1 })).body.errors).toBeUndefined();

    // Fragments that double each other: refused after maxFields steps, quickly.
    const laughs = [`query { ...F0 }`, ...Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`), `fragment F30 on Query { __typename }`];
    const started = Date.now();
    const exponential = await post(laughs.join("\n"));
    expect(codes(exponential.body)).toEqual(["QUERY_TOO_COMPLEX"]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("refuses a page larger than the maximum as BAD_USER_INPUT", async () => {
    const { status, body } = await h.post(`{ publicInstitutions(first: 101) { pageInfo { hasNextPage } } }`);
    expect(status).toBe(200);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", limit: 100 });
  });

  it("refuses introspection unless enabled, and a mutation over GET, and an unreadable body", async () => {
    const introspection = await post(`{ __schema { queryType { name } } }`);
    expect(introspection.status).toBe(400);
    expect(new Set(codes(introspection.body))).toEqual(new Set(["GRAPHQL_VALIDATION_FAILED"]));

    const get = await h.app.inject({ method: "GET", url: `/graphql?query=${encodeURIComponent("mutation { __typename }")}` });
    expect(get.statusCode).toBe(405);
    expect(get.json<GraphQLBody>().errors?.[0]?.extensions?.["code"]).toBe("METHOD_NOT_ALLOWED");

    const json = await h.app.inject({ method: "POST", url: "/graphql", headers: { "content-type": "application/json" }, payload: "{" });
    expect(json.statusCode).toBe(400);
    expect(json.json<GraphQLBody>().errors?.[0]?.extensions?.["code"]).toBe("BAD_REQUEST");

    const noQuery = await h.app.inject({ method: "POST", url: "/graphql", payload: { variables: {} } });
    expect(noQuery.statusCode).toBe(400);
    expect(noQuery.json<GraphQLBody>().errors?.[0]?.extensions?.["code"]).toBe("BAD_REQUEST");
  });
});

describe("GraphiQL and introspection when enabled", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ graphiql: true });
  });
  afterAll(() => h.close());

  it("serves GraphiQL and lets its introspection query through the limits", async () => {
    const page = await h.app.inject({ method: "GET", url: "/graphiql" });
    expect(page.statusCode).toBe(200);
    const { status, body } = await h.post(getIntrospectionQuery());
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
  });
});
