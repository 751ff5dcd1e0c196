import { type DocumentNode, GraphQLError, Lexer, parse, Source, TokenKind } from "../graphqlJs.js";
import { GatewayError } from "../errors/gatewayError.js";
import type { Limits } from "./limits.js";

const OPENING = new Set<TokenKind>([TokenKind.BRACE_L, TokenKind.PAREN_L, TokenKind.BRACKET_L]);
const CLOSING = new Set<TokenKind>([TokenKind.BRACE_R, TokenKind.PAREN_R, TokenKind.BRACKET_R]);

/**
 * The first check every query document passes, over HTTP and WebSocket alike: size, token count, nesting and
 * directives in one linear, non-recursive scan, then a parse. The scan runs before graphql-js because its parser and
 * validator recurse and a deeply nested document would exhaust the stack. (graphql-armor's directive limit is a
 * validation rule: it runs after the parse, beside graphql-js's own rules, whose errors for each directive would
 * still be produced and cached.) Parsing here also means mercurius never falls back to
 * reading an unparseable query as a JSON-encoded AST, which it otherwise does.
 */
export function admitSource(source: string, limits: Limits): DocumentNode {
  if (Buffer.byteLength(source, "utf8") > limits.bodyLimitBytes) {
    throw new GatewayError("PAYLOAD_TOO_LARGE", { limit: limits.bodyLimitBytes });
  }
  const lexer = new Lexer(new Source(source));
  let tokens = 0;
  let nesting = 0;
  let directives = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      tokens += 1;
      if (tokens > limits.maxTokens) throw new GatewayError("QUERY_TOO_COMPLEX", { limit: limits.maxTokens });
      if (OPENING.has(token.kind)) {
        nesting += 1;
        if (nesting > limits.maxNesting) throw new GatewayError("QUERY_TOO_DEEP", { limit: limits.maxNesting });
      } else if (CLOSING.has(token.kind)) {
        nesting -= 1;
      } else if (token.kind === TokenKind.AT) {
        directives += 1;
        if (directives > limits.maxDirectives) throw new GatewayError("QUERY_TOO_COMPLEX", { limit: limits.maxDirectives });
      }
    }
    return parse(source, { maxTokens: limits.maxTokens });
  } catch (error) {
    if (error instanceof GraphQLError) throw new GatewayError("GRAPHQL_PARSE_FAILED", { detail: error });
    throw error;
  }
}
