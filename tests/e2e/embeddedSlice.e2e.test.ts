import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { verifyFile } from "@ihp/eventsourcing/sqlite";
import { graphql, seedDemo, startEmbeddedPlatform, type DemoSeed, type EmbeddedPlatform } from "@ihp/runner";
import { enableInProcessTransport } from "@ihp/platform";
import { waitFor } from "@ihp/testing";
import { fieldsOutsideAllowList, introspect, readWholeFeed, selectEverything } from "./support/feedExport.js";

const FEED = `query Feed($first: Int) { regulatorFeed(first: $first) { edges { node { position category institutionId
  jurisdiction payload { __typename ... on InstitutionLicenceEntry { licenceNumber licenceValidUntil subjectCodes } } } } } }`;
const CHANGE_LICENCE = `mutation Change($input: ChangeLicenceInput!) { changeLicence(input: $input) { id licence { number validUntil } } }`;
const REGISTER = `mutation Register($input: RegisterInstitutionInput!) { registerInstitution(input: $input) { id } }`;

interface FeedData {
  regulatorFeed: { edges: Array<{ node: { position: string; category: string; payload: { licenceNumber?: string } } }> };
}

function registerInput(requestId: string, subjectCodes = ["03"]) {
  return {
    requestId,
    name: "测试互联网医院",
    grade: "SECONDARY_A",
    licence: { number: "PDY00002X11010111A2001", validFrom: "2025-01-01", validUntil: "2030-12-31" },
    subjectCodes,
    jurisdiction: "tianjin",
    hostInstitutionName: "测试市人民医院",
    hostLicenceNumber: "PDY00002X11010111A2000",
  };
}

describe("first slice end to end, embedded mode: GraphQL → gRPC → store → relay → bus → reporting → feed", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ihp-e2e-"));
  let platform: EmbeddedPlatform;
  let demo: DemoSeed;
  // The institution's own entries: the demo seed also enables staff, whose records (REP-03) the clinical flow test covers.
  const feed = async (): Promise<FeedData["regulatorFeed"]["edges"]> => {
    const response = await graphql<FeedData>(platform.graphqlUrl, FEED, { first: 100 }, demo.tokens["regulator"]);
    expect(response.errors).toBeUndefined();
    return response.data!.regulatorFeed.edges.filter((edge) => ["INSTITUTION_LICENCE", "REGULATOR_CONNECTION"].includes(edge.node.category));
  };

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({ dataDir, gatewayPort: 0, logLevel: "silent" });
    demo = await seedDemo(platform.graphqlUrl, platform.issuer, new Date());
  });
  afterAll(async () => {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("REP-01, REP-04: registration and regulator connection reach the regulator feed with minimum fields", async () => {
    await waitFor(async () => (await feed()).length >= 2, 10_000, "two feed entries");
    const entries = await feed();
    expect(entries.map((e) => e.node.category)).toEqual(["INSTITUTION_LICENCE", "REGULATOR_CONNECTION"]);
    expect(entries[0]!.node).toMatchObject({ institutionId: demo.institutionId, jurisdiction: "national" });
    // Minimum fields (REP-04): every field the schema offers on the feed, asked for, holds nothing outside
    // feed.proto's messages — checked by the allow-list, not by looking for one forbidden name.
    const types = await introspect(platform.graphqlUrl, ["FeedEntry"]);
    const nodes = await readWholeFeed(platform.graphqlUrl, demo.tokens["regulator"]!, selectEverything(types, "FeedEntry"));
    expect(nodes.length).toBeGreaterThanOrEqual(2);
    expect(fieldsOutsideAllowList(nodes)).toEqual([]);
  });

  it("IDN-10: the public directory lists the institution to anonymous callers", async () => {
    const response = await graphql<{ publicInstitutions: { edges: Array<{ node: { id: string; name: string } }> } }>(
      platform.graphqlUrl,
      `{ publicInstitutions(first: 10) { edges { node { id name licenceNumber } } } }`,
    );
    expect(response.data?.publicInstitutions.edges.map((e) => e.node.id)).toContain(demo.institutionId);
  });

  it("REP-02: a licence change is reported to the feed at once, and repeating its request id changes nothing", async () => {
    const input = {
      requestId: "e2e-licence-renewal-1",
      institutionId: demo.institutionId,
      licence: { number: "PDY00001X11010111A1002", validFrom: "2026-01-01", validUntil: "2031-12-31" },
    };
    const admin = demo.tokens["institution_admin"];
    const first = await graphql(platform.graphqlUrl, CHANGE_LICENCE, { input }, admin);
    expect(first.errors).toBeUndefined();
    await waitFor(async () => (await feed()).length === 3, 10_000, "the licence change in the feed");
    const again = await graphql(platform.graphqlUrl, CHANGE_LICENCE, { input }, admin);
    expect(again.data).toEqual(first.data);
    const entries = await feed();
    expect(entries).toHaveLength(3);
    expect(entries[2]!.node.payload.licenceNumber).toBe("PDY00001X11010111A1002");
  });

  it("XC-02: each role is refused where it should be, with a stable code and a plain message, and nothing changes", async () => {
    const before = await feed();
    for (const role of ["patient", "physician", "regulator", "institution_admin"]) {
      const response = await graphql(platform.graphqlUrl, REGISTER, { input: registerInput(`e2e-refused-${role}`) }, demo.tokens[role]);
      expect(response.data, role).toBeNull();
      expect(response.errors?.[0]?.extensions?.["code"], role).toBe("ROLE_NOT_ALLOWED");
      expect(response.errors?.[0]?.extensions?.["messageZh"], role).toEqual(expect.any(String));
    }
    const anonymous = await graphql(platform.graphqlUrl, REGISTER, { input: registerInput("e2e-refused-anon") });
    expect(anonymous.errors?.[0]?.extensions?.["code"]).toBe("UNAUTHENTICATED");
    const patientFeed = await graphql(platform.graphqlUrl, FEED, { first: 5 }, demo.tokens["patient"]);
    expect(patientFeed.errors?.[0]?.extensions?.["code"]).toBe("ROLE_NOT_ALLOWED");
    expect(await feed()).toEqual(before);
  });

  it("XC-01: medical administration reads those refusals through auditTrail, the regulator too, and each read is recorded", async () => {
    const now = Date.now();
    const filter = { from: new Date(now - 3_600_000).toISOString(), to: new Date(now + 60_000).toISOString(), action: "RegisterInstitution" };
    const AUDIT = `query ($filter: AuditFilterInput!) { auditTrail(service: IDENTITY, filter: $filter, first: 50) {
      edges { node { action outcome reasonCode actorRoles institutionId service } } } }`;
    type Rows = { auditTrail: { edges: { node: { action: string; outcome: string; reasonCode: string | null; actorRoles: string[]; institutionId: string | null } }[] } };
    const admin = await graphql<Rows>(platform.graphqlUrl, AUDIT, { filter }, demo.tokens["institution_admin"]);
    expect(admin.errors).toBeUndefined();
    const refused = admin.data!.auditTrail.edges.map((edge) => edge.node);
    // The regulator's attempt was made under its jurisdiction, not this institution: the admin does not see it.
    expect(refused.map((row) => row.actorRoles.join(",")).sort()).toEqual(["institution_admin", "patient", "physician"]);
    expect(refused.every((row) => row.outcome === "REFUSED" && row.reasonCode === "ROLE_NOT_ALLOWED" && row.institutionId === demo.institutionId)).toBe(true);
    const regulator = await graphql<Rows>(platform.graphqlUrl, AUDIT, { filter }, demo.tokens["regulator"]);
    expect(regulator.data!.auditTrail.edges.map((edge) => edge.node.actorRoles.join(","))).toContain("regulator");
    const reads = await graphql<Rows>(platform.graphqlUrl, AUDIT, { filter: { ...filter, action: "ListAuditRecords", outcome: "ALLOWED" } }, demo.tokens["regulator"]);
    // The admin's read, the regulator's first read, and this read itself (recorded before its answer is given).
    expect(reads.data!.auditTrail.edges.map((edge) => edge.node.actorRoles.join(","))).toEqual(["institution_admin", "regulator", "regulator"]);
    const patient = await graphql(platform.graphqlUrl, AUDIT, { filter }, demo.tokens["patient"]);
    expect(patient.errors?.[0]?.extensions?.["code"]).toBe("ROLE_NOT_ALLOWED");
  });

  it("XC-02: bad input gets a clear error and changes nothing", async () => {
    const before = await feed();
    const system = demo.tokens["system"];
    const unknownSubject = await graphql(platform.graphqlUrl, REGISTER, { input: registerInput("e2e-bad-subject", ["99.99"]) }, system);
    expect(unknownSubject.errors?.[0]?.extensions?.["code"]).toBe("UNKNOWN_SUBJECT_CODE");
    const badDates = { ...registerInput("e2e-bad-dates"), licence: { number: "X1", validFrom: "2030-01-01", validUntil: "2020-01-01" } };
    const dates = await graphql(platform.graphqlUrl, REGISTER, { input: badDates }, system);
    expect(dates.errors?.[0]?.extensions?.["code"]).toEqual(expect.any(String));
    const wrongType = await graphql(platform.graphqlUrl, REGISTER, { input: { ...registerInput("e2e-bad-type"), grade: 5 } }, system);
    expect(wrongType.errors?.[0]?.extensions?.["code"]).toEqual(expect.any(String));
    const malformed = await graphql(platform.graphqlUrl, "mutation { registerInstitution(", {}, system);
    expect(malformed.status).toBeLessThan(500);
    expect(malformed.errors?.[0]?.extensions?.["code"]).toEqual(expect.any(String));
    const deep = await graphql(platform.graphqlUrl, `{ ${"publicInstitutions { edges { node { ".repeat(2_500)} }`, {});
    expect(deep.status).toBeLessThan(500);
    expect(deep.errors?.[0]?.extensions?.["code"]).toEqual(expect.any(String));
    expect(await feed()).toEqual(before);
  });

  it("XC-01: one user action is one trace: the client's trace id reaches both services' events", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const input = {
      requestId: "e2e-traced-renewal-1",
      institutionId: demo.institutionId,
      licence: { number: "PDY00001X11010111A1003", validFrom: "2026-01-01", validUntil: "2032-12-31" },
    };
    const response = await fetch(platform.graphqlUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${demo.tokens["institution_admin"]}`,
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      },
      body: JSON.stringify({ query: CHANGE_LICENCE, variables: { input } }),
    });
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    const traceOf = (file: string, type: string): string | undefined => {
      const db = new Database(join(dataDir, file), { readonly: true });
      const rows = db.prepare<[string], { metadata: string }>("SELECT metadata FROM events WHERE type = ?").all(type);
      db.close();
      const last = rows.at(-1);
      return last === undefined ? undefined : (JSON.parse(last.metadata) as { traceparent?: string }).traceparent?.split("-")[1];
    };
    expect(traceOf("identity-events.sqlite", "LicenceChanged")).toBe(traceId);
    await waitFor(() => traceOf("reporting-events.sqlite", "FeedEntryRecorded") === traceId, 10_000, "the feed entry's trace");
  });

  it("XC-01: every service log the slice wrote verifies", () => {
    const logs = readdirSync(dataDir).filter((file) => file.endsWith("-events.sqlite"));
    expect(logs.sort()).toEqual(["consult", "identity", "integration", "pharmacy", "prescription", "records", "reporting"].map((name) => `${name}-events.sqlite`));
    for (const file of logs) expect(verifyFile(join(dataDir, file)), file).toMatchObject({ ok: true });
  });
});

describe("embedded mode restart", () => {
  it("keeps its data across a restart, and seeding again is idempotent", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ihp-restart-"));
    const first = await startEmbeddedPlatform({ dataDir, gatewayPort: 0, logLevel: "silent" });
    const seeded = await seedDemo(first.graphqlUrl, first.issuer, new Date());
    await first.stop();
    // Its stop put the process's gRPC transport back as it found it (off: nothing else runs here), so what runs next
    // in this process — the next test file in a vitest worker — is not quietly served in process.
    expect(enableInProcessTransport(false)).toBe(false);
    const second = await startEmbeddedPlatform({ dataDir, gatewayPort: 0, logLevel: "silent" });
    const again = await seedDemo(second.graphqlUrl, second.issuer, new Date());
    expect(again.institutionId).toBe(seeded.institutionId);
    const directory = await graphql<{ publicInstitutions: { edges: unknown[] } }>(
      second.graphqlUrl,
      `{ publicInstitutions(first: 10) { edges { node { id } } } }`,
    );
    expect(directory.data?.publicInstitutions.edges).toHaveLength(1);
    await second.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
});
