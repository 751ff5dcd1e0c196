import { describe, expect, it } from "vitest";

import { declaredAccess } from "../src/access/declaredAccess.js";
import { describeAccess } from "../src/access/describeAccess.js";
import { buildSchema } from "../src/graphqlJs.js";
import { loadComposedSchemaText } from "../src/schema.js";

// The declarations themselves, without a platform: a quick failure for a new operation nobody declared. Whether the
// services agree with them is tests/e2e/roleMatrix.e2e.test.ts.

const HEADER = `
directive @allow(roles: [AccessRole!]!) on FIELD_DEFINITION
directive @public on FIELD_DEFINITION
enum AccessRole { PATIENT PHYSICIAN NURSE PHARMACIST INSTITUTION_ADMIN REGULATOR PHARMACY_GOVERNANCE SYSTEM INTEGRATION RECORDS_OFFICER RECORDS SECURITY_REPORT }
`;

describe("declared access of GraphQL operations (issue 13 item 7)", () => {
  it("XC-03: every Query, Mutation and Subscription field of the composed schema declares @allow or @public", async () => {
    const { operations, problems } = declaredAccess(await loadComposedSchemaText());
    expect(problems, problems.join("\n")).toEqual([]);
    expect(operations.get("Query.publicInstitutions")).toEqual({ kind: "public" });
    expect(operations.get("Subscription.regulatorFeed")).toEqual({ kind: "roles", roles: ["regulator"] });
  });

  it("XC-03: deny by default — an undeclared field, two declarations, an unknown or empty role list are problems", () => {
    const { operations, problems } = declaredAccess(`${HEADER}
      type Query {
        open: Int @public
        staff: Int @allow(roles: [SYSTEM, PHYSICIAN])
        forgotten: Int
        both: Int @public @allow(roles: [PATIENT])
        nobody: Int @allow(roles: [])
        twice: Int @allow(roles: [PATIENT, PATIENT])
        unknown: Int @allow(roles: [JANITOR])
      }
      extend type Query { later: Int }
      type Mutation { act: Int @allow(roles: [NURSE]) }
      type Subscription { watch: Int }
    `);
    expect(operations.get("Query.open")).toEqual({ kind: "public" });
    // Listed in the platform's order, whatever the SDL's.
    expect(operations.get("Query.staff")).toEqual({ kind: "roles", roles: ["physician", "system"] });
    expect(operations.get("Mutation.act")).toEqual({ kind: "roles", roles: ["nurse"] });
    expect(operations.get("Query.forgotten")).toBeUndefined();
    expect(problems.map((problem) => problem.split(":")[0])).toEqual([
      "Query.forgotten",
      "Query.both",
      "Query.nobody",
      "Query.twice",
      "Query.unknown",
      "Query.later",
      "Subscription.watch",
    ]);
  });

  it("the AccessRole enum must list exactly the platform's roles", () => {
    const { problems } = declaredAccess(`enum AccessRole { PATIENT SYSTEM } type Query { a: Int @public }`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("enum AccessRole");
  });

  it("XC-03: the served schema's descriptions name the declared roles, so introspection (GraphiQL) shows them", async () => {
    const schema = buildSchema(describeAccess(await loadComposedSchemaText()));
    const consult = schema.getQueryType()?.getFields()["consult"];
    expect(consult?.description).toMatch(/^One consult/);
    expect(consult?.description).toContain("Who may call it: patient, physician, institution_admin (@allow");
    expect(schema.getQueryType()?.getFields()["consentText"]?.description).toContain("anonymous callers too (@public)");
    expect(schema.getSubscriptionType()?.getFields()["regulatorFeed"]?.description).toContain("Who may call it: regulator");
  });
});
