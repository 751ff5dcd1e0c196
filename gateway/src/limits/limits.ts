/** What one GraphQL request may ask of the gateway (README "Limits"). */
export interface Limits {
  /** Largest HTTP body, and largest WebSocket subscribe message, in bytes. */
  readonly bodyLimitBytes: number;
  /** Most lexical tokens in a query document, counted before parsing. */
  readonly maxTokens: number;
  /**
   * Deepest nesting of `{`, `(` and `[`, counted before parsing: graphql-js parses and validates recursively and
   * overflows the stack at roughly 2,000 levels, so depth must be refused before the parser sees it.
   */
  readonly maxNesting: number;
  /**
   * Most directives (`@`) in a query document, counted before parsing. Each unknown or repeated directive is a
   * validation error that mercurius keeps in its cache with the document; a document of nothing but directives was
   * the cheapest way to fill memory.
   */
  readonly maxDirectives: number;
  /** Deepest field selection, counted like mercurius's queryDepth (inline fragments add a level, spreads do not). */
  readonly maxDepth: number;
  /** Most field selections after expanding fragments. */
  readonly maxFields: number;
  /** Most aliased fields: aliases are how one request repeats an expensive field. */
  readonly maxAliases: number;
  /** Largest cost: each field costs 1 times the page or list sizes above it. */
  readonly maxCost: number;
  /** `first` when a connection argument is omitted. */
  readonly defaultPageSize: number;
  /** Largest `first` accepted (a larger one is refused as BAD_USER_INPUT). */
  readonly maxPageSize: number;
  /** Assumed length of a list field without `first`, for the cost. */
  readonly assumedListSize: number;
}

export const DEFAULT_LIMITS: Limits = {
  bodyLimitBytes: 64 * 1024,
  maxTokens: 2_000,
  maxNesting: 32,
  // graphql-armor's default; the schema defines no directives of its own, so clients only need @include/@skip.
  maxDirectives: 50,
  // The schema itself is acyclic and at most 6 levels deep; GraphiQL's introspection query is 15 deep.
  maxDepth: 16,
  maxFields: 500,
  maxAliases: 20,
  maxCost: 5_000,
  defaultPageSize: 20,
  maxPageSize: 100,
  assumedListSize: 10,
};
