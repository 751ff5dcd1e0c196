import { describe, expect, it } from "vitest";
import { GatewayError } from "../src/errors/gatewayError.js";
import { buildSchema, type ValidationRule } from "../src/graphqlJs.js";
import { AdmittedDocuments } from "../src/limits/admittedDocuments.js";
import { DEFAULT_LIMITS } from "../src/limits/limits.js";

// Issue 15: a text the gateway admitted (limits, operation name, validation) is not lexed, parsed or validated again;
// a refused one is never remembered, so mercurius's document cache only holds valid documents (issue 13 item 11).
const schema = buildSchema(`type Query { hello: String, world: String }`);

/** A validation rule that only counts how often documents are validated. */
function countingRule(): { rule: ValidationRule; readonly validations: number } {
  let validations = 0;
  return {
    rule: () => {
      validations += 1;
      return {};
    },
    get validations() {
      return validations;
    },
  };
}

function admitted(options: { maxEntries?: number; maxSourceLength?: number } = {}) {
  const counter = countingRule();
  const documents = new AdmittedDocuments({
    limits: DEFAULT_LIMITS,
    rules: [counter.rule],
    maxValidationErrors: 10,
    maxEntries: options.maxEntries ?? 8,
    maxSourceLength: options.maxSourceLength ?? 1_024,
  });
  return { documents, counter };
}

function refusalOf(admit: () => void): unknown {
  try {
    admit();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("AdmittedDocuments", () => {
  it("checks a text once: the same text again is neither parsed nor validated", () => {
    const { documents, counter } = admitted();
    documents.admit(schema, "{ hello }", undefined);
    documents.admit(schema, "{ hello }", undefined);
    expect(counter.validations).toBe(1);
    documents.admit(schema, "{ world }", undefined);
    expect(counter.validations).toBe(2);
  });

  it("refuses an invalid document as mercurius would, and does not remember it", () => {
    const { documents, counter } = admitted();
    for (let i = 0; i < 2; i++) {
      const refusal = refusalOf(() => documents.admit(schema, "{ nope }", undefined)) as { code?: string; errors?: { message: string }[] };
      expect(refusal?.code).toBe("MER_ERR_GQL_VALIDATION");
      expect(refusal?.errors?.map((error) => error.message)).toEqual([`Cannot query field "nope" on type "Query".`]);
    }
    expect(counter.validations).toBe(2);
  });

  it("checks the requested operation on every request, remembered text or not", () => {
    const { documents } = admitted();
    const text = "query A { hello } query B { world }";
    documents.admit(schema, text, "A");
    documents.admit(schema, text, "B");
    for (const name of [undefined, "C"]) {
      const refusal = refusalOf(() => documents.admit(schema, text, name));
      expect(refusal).toBeInstanceOf(GatewayError);
      expect((refusal as GatewayError).code).toBe("GRAPHQL_VALIDATION_FAILED");
    }
  });

  it("applies the pre-parse limits before anything else", () => {
    const { documents, counter } = admitted();
    const deep = `{ ${"hello { ".repeat(40)}${"} ".repeat(40)}}`;
    expect((refusalOf(() => documents.admit(schema, deep, undefined)) as GatewayError).code).toBe("QUERY_TOO_DEEP");
    expect(counter.validations).toBe(0);
  });

  it("is bounded: the least recently used text and texts beyond the length limit are checked again", () => {
    const { documents, counter } = admitted({ maxEntries: 2, maxSourceLength: 40 });
    documents.admit(schema, "{ hello }", undefined);
    documents.admit(schema, "{ world }", undefined);
    documents.admit(schema, "{ hello }", undefined); // most recent now
    documents.admit(schema, "{ hello world }", undefined); // evicts "{ world }"
    expect(counter.validations).toBe(3);
    documents.admit(schema, "{ hello }", undefined);
    documents.admit(schema, "{ world }", undefined);
    expect(counter.validations).toBe(4);
    const long = `{ hello } # ${"x".repeat(40)}`;
    documents.admit(schema, long, undefined);
    documents.admit(schema, long, undefined);
    expect(counter.validations).toBe(6);
  });
});
