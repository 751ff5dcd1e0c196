import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphQLBody, type Harness, startHarness } from "./support/harness.js";

interface Page {
  readonly edges: readonly { readonly cursor: string; readonly node: { readonly id: string } }[];
  readonly pageInfo: { readonly endCursor: string | null; readonly hasNextPage: boolean; readonly startCursor: string | null; readonly hasPreviousPage: boolean };
}

const DIRECTORY = `query($first: Int, $after: String) {
  publicInstitutions(first: $first, after: $after) {
    edges { cursor node { id name grade licenceNumber subjectCodes jurisdiction } }
    pageInfo { endCursor hasNextPage startCursor hasPreviousPage }
  }
}`;

function pageOf(body: GraphQLBody, field = "publicInstitutions"): Page {
  expect(body.errors).toBeUndefined();
  return body.data?.[field] as Page;
}

const ids = (page: Page): string[] => page.edges.map((edge) => edge.node.id);

describe("Relay connections over the services' cursor paging", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("pages through the public directory anonymously by endCursor", async () => {
    const first = pageOf((await h.post(DIRECTORY, { first: 3 })).body);
    expect(ids(first)).toEqual(["pub-0", "pub-1", "pub-2"]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, startCursor: first.edges[0]?.cursor });
    expect(first.edges[0]?.node).toEqual({
      id: "pub-0",
      name: "互联网医院 0",
      grade: "TERTIARY_A",
      licenceNumber: "PDY-0",
      subjectCodes: ["03.07"],
      jurisdiction: "guangxi",
    });
    expect(h.services.calls.at(-1)).toMatchObject({ method: "ListPublicInstitutions", token: undefined, request: { page: { first: 3, after: "" } } });

    const second = pageOf((await h.post(DIRECTORY, { first: 3, after: first.pageInfo.endCursor })).body);
    expect(ids(second)).toEqual(["pub-3", "pub-4", "pub-5"]);
    // Continuing from the end of a page re-reads nothing: the service's own cursor went out.
    expect(h.services.calls.at(-1)?.request).toEqual({ page: { first: 3, after: "3" } });

    const last = pageOf((await h.post(DIRECTORY, { first: 3, after: second.pageInfo.endCursor })).body);
    expect(ids(last)).toEqual(["pub-6"]);
    expect(last.pageInfo.hasNextPage).toBe(false);

    const beyond = pageOf((await h.post(DIRECTORY, { first: 3, after: last.pageInfo.endCursor })).body);
    expect(beyond).toEqual({ edges: [], pageInfo: { endCursor: null, hasNextPage: false, startCursor: null, hasPreviousPage: false } });
  });

  it("continues after any edge's cursor, not only the page's end", async () => {
    const first = pageOf((await h.post(DIRECTORY, { first: 4 })).body);
    const fromSecondEdge = pageOf((await h.post(DIRECTORY, { first: 2, after: first.edges[1]?.cursor })).body);
    expect(ids(fromSecondEdge)).toEqual(["pub-2", "pub-3"]);
    expect(fromSecondEdge.pageInfo.hasNextPage).toBe(true);
    const onwards = pageOf((await h.post(DIRECTORY, { first: 10, after: fromSecondEdge.pageInfo.endCursor })).body);
    expect(ids(onwards)).toEqual(["pub-4", "pub-5", "pub-6"]);
  });

  it("forwards a token on the public query when one is sent, and refuses a cursor it did not make", async () => {
    const token = await h.token(["patient"]);
    await h.post(DIRECTORY, { first: 1 }, token);
    expect(h.services.calls.at(-1)?.token).toBe(token);

    const { body } = await h.post(DIRECTORY, { first: 1, after: "not-a-cursor" });
    expect(body.errors?.[0]?.extensions).toEqual({ code: "INVALID_CURSOR", messageZh: "分页标记无效，请从第一页重新开始。" });
  });

  it("pages the regulator feed with its payload union, for regulators only", async () => {
    const query = `query($first: Int, $after: String, $jurisdiction: String) {
      regulatorFeed(first: $first, after: $after, jurisdiction: $jurisdiction) {
        edges { cursor node { position sourceEventId category institutionId jurisdiction occurredAt
          payload { __typename ... on RegulatorConnectionEntry { connected platformReference } } } }
        pageInfo { endCursor hasNextPage }
      }
    }`;
    const regulator = await h.token(["regulator"], "national");
    const { body } = await h.post(query, { first: 1, jurisdiction: "guangxi" }, regulator);
    const page = body.data?.["regulatorFeed"] as { edges: { node: unknown }[]; pageInfo: { endCursor: string; hasNextPage: boolean } };
    expect(page.edges.map((edge) => edge.node)).toEqual([
      {
        position: "1",
        sourceEventId: "event-1",
        category: "REGULATOR_CONNECTION",
        institutionId: "inst-1",
        jurisdiction: "guangxi",
        occurredAt: "2025-01-02T03:04:05Z",
        payload: { __typename: "RegulatorConnectionEntry", connected: true, platformReference: "REF-1" },
      },
    ]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(h.services.calls.at(-1)).toMatchObject({ method: "ListFeed", token: regulator, request: { jurisdiction: "guangxi" } });
    const next = await h.post(query, { first: 5, after: page.pageInfo.endCursor, jurisdiction: "guangxi" }, regulator);
    expect((next.body.data?.["regulatorFeed"] as { edges: { node: { position: string } }[] }).edges.map((edge) => edge.node.position)).toEqual(["3"]);

    const doctor = await h.post(query, { first: 1 }, await h.token(["physician"]));
    expect(doctor.body.errors?.[0]).toMatchObject({
      message: "Your role is not allowed to do this.",
      extensions: { code: "ROLE_NOT_ALLOWED", messageZh: "您的角色无权执行此操作。" },
    });
  });
});
