import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { PersistedQueryProvider } from "mercurius";
import { GatewayError } from "../errors/gatewayError.js";

/** Queries a front-end was built with, by the hex SHA-256 of their text; and whether only they are accepted. */
export interface PersistedQueries {
  readonly queries: Readonly<Record<string, string>>;
  /** Refuse query text: only hashes of the list run (production front-ends; GATEWAY_PERSISTED_ONLY). */
  readonly only: boolean;
}

interface PersistedRequest {
  readonly extensions?: { readonly persistedQuery?: { readonly version?: unknown; readonly sha256Hash?: unknown } } | null;
}

/**
 * mercurius's persistedQueryProvider for a fixed list, in the wire format clients already speak (Apollo's
 * `extensions.persistedQuery: {version: 1, sha256Hash}`, also used by urql and Relay's persisted queries). Unlike
 * mercurius's `automatic` provider nothing a client sends is ever stored, so there is no cache to fill.
 */
export function persistedQueryProvider(persisted: PersistedQueries): PersistedQueryProvider {
  const queries = new Map(Object.entries(persisted.queries).map(([hash, query]) => [hash.toLowerCase(), query]));
  const hashOf = (request: object): string | undefined => {
    const extension = (request as PersistedRequest).extensions?.persistedQuery;
    return extension?.version === 1 && typeof extension.sha256Hash === "string" ? extension.sha256Hash.toLowerCase() : undefined;
  };
  return {
    isPersistedQuery: (request) => persisted.only || hashOf(request) !== undefined,
    // Nothing is learnt from clients (no automatic persisting): a list is what the front-end was built with.
    isPersistedQueryRetry: () => false,
    getHash: (request) => {
      const hash = hashOf(request);
      if (hash === undefined) throw new GatewayError("PERSISTED_QUERY_REQUIRED");
      return hash;
    },
    getQueryFromHash: (hash) => {
      const query = queries.get(hash);
      return query === undefined ? Promise.reject(new GatewayError("PERSISTED_QUERY_NOT_FOUND")) : Promise.resolve(query);
    },
  };
}

/** The hash a persisted query is listed under: hex SHA-256 of its exact text. */
export function persistedQueryHash(query: string): string {
  return createHash("sha256").update(query, "utf8").digest("hex");
}

/**
 * The list in GATEWAY_PERSISTED_QUERIES_FILE: a JSON object {sha256 hex: query}. Each entry must hash to its key, so
 * a stale or hand-edited list fails at start-up rather than answering the wrong query.
 */
export async function loadPersistedQueries(file: string | undefined, only: boolean): Promise<PersistedQueries | undefined> {
  if (file === undefined) return undefined;
  const parsed = JSON.parse(await readFile(file, "utf8")) as unknown;
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`${file}: expected a JSON object {sha256: query}`);
  const queries: Record<string, string> = {};
  for (const [hash, query] of Object.entries(parsed)) {
    if (typeof query !== "string" || persistedQueryHash(query) !== hash.toLowerCase()) throw new Error(`${file}: the query under ${hash} does not hash to it`);
    queries[hash.toLowerCase()] = query;
  }
  return { queries, only };
}
