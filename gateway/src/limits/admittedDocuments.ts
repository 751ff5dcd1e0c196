import { createRequire } from "node:module";
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  specifiedRules,
  validate,
  type ValidationRule,
} from "../graphqlJs.js";
import { GatewayError } from "../errors/gatewayError.js";
import { admitSource } from "./admitSource.js";
import type { Limits } from "./limits.js";

/** The names of a document's operations, undefined for an anonymous one: all a later request of the same text needs. */
type Operations = readonly (string | undefined)[];

export interface AdmittedDocumentsOptions {
  readonly limits: Limits;
  /** The gateway's validation rules, besides graphql-js's specified ones (the same mercurius is given). */
  readonly rules: readonly ValidationRule[];
  /** graphql-js stops validating after this many errors (the same mercurius is given). */
  readonly maxValidationErrors: number;
  /** Most texts remembered, least recently used out. */
  readonly maxEntries: number;
  /** Longer texts are checked in full every time rather than remembered. */
  readonly maxSourceLength: number;
}

// mercurius's own refusal of an invalid document, so that a refusal here reads exactly as one from mercurius would.
const { MER_ERR_GQL_VALIDATION } = createRequire(import.meta.url)("mercurius/lib/errors.js") as {
  MER_ERR_GQL_VALIDATION: new () => Error & { errors?: readonly GraphQLError[] };
};

/**
 * The gateway's check of every HTTP query before mercurius (issue 13, issue 15). The first time a text comes it passes
 * admitSource (the linear pre-parse limits, then a parse), the operation it asks for must exist, and it is validated
 * with graphql-js's rules and the gateway's: an invalid document is refused here, so mercurius's document cache only
 * ever holds valid ones (it kept refused documents, with their errors, in a second cache that hostile texts filled).
 * A valid text is remembered by its names of operations only, so the next request of the same text is neither lexed,
 * parsed nor validated again here, and mercurius answers it from its own cache (graphql-jit compiled).
 */
export class AdmittedDocuments {
  private readonly known = new Map<string, Operations>();
  private schema: GraphQLSchema | undefined;

  constructor(private readonly options: AdmittedDocumentsOptions) {}

  /** Throws the refusal of a document or of its operation name; returns when mercurius may run it. */
  admit(schema: GraphQLSchema, source: string, operationName: string | undefined): void {
    if (schema !== this.schema) {
      this.known.clear();
      this.schema = schema;
    }
    const remembered = this.known.get(source);
    if (remembered !== undefined) {
      this.known.delete(source);
      this.known.set(source, remembered); // most recently used last
      requireOperation(remembered, operationName);
      return;
    }
    const document = admitSource(source, this.options.limits);
    const operations = operationsOf(document);
    requireOperation(operations, operationName);
    const errors = validate(schema, document, [...specifiedRules, ...this.options.rules], { maxErrors: this.options.maxValidationErrors });
    if (errors.length > 0) {
      const refusal = new MER_ERR_GQL_VALIDATION();
      refusal.errors = errors;
      throw refusal;
    }
    if (source.length <= this.options.maxSourceLength) this.remember(source, operations);
  }

  private remember(source: string, operations: Operations): void {
    this.known.set(source, operations);
    if (this.known.size > this.options.maxEntries) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }
}

function operationsOf(document: DocumentNode): Operations {
  return document.definitions.flatMap((definition) => (definition.kind === Kind.OPERATION_DEFINITION ? [definition.name?.value] : []));
}

/**
 * The operation a request asks for must exist, as graphql-js's getOperationAST finds it: the only one when no name is
 * given, else the one of that name. mercurius's GET route crashes (a 500) on a name the document does not have,
 * before graphql-js would report it.
 */
function requireOperation(operations: Operations, operationName: string | undefined): void {
  const found = operationName === undefined ? operations.length === 1 : operations.includes(operationName);
  if (found) return;
  const detail = new GraphQLError(
    operationName === undefined ? "Must provide operation name if query contains multiple operations." : `Unknown operation named "${operationName}".`,
  );
  throw new GatewayError("GRAPHQL_VALIDATION_FAILED", { detail });
}
