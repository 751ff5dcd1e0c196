import type { PageInfo } from "@ihp/contracts";
import { GatewayError } from "../errors/gatewayError.js";
import type { Limits } from "../limits/limits.js";
import { type Cursor, decodeCursor, encodeCursor, START } from "./cursor.js";

export interface PageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
}

/** One page as a service returns it. */
export interface ServicePage<T> {
  readonly items: readonly T[];
  readonly endCursor: string;
  readonly hasNextPage: boolean;
}

/** A service's page from its items and the response's PageInfo (absent: the last page). */
export function servicePage<T>(items: readonly T[], pageInfo: PageInfo | undefined): ServicePage<T> {
  return { items, endCursor: pageInfo?.endCursor ?? "", hasNextPage: pageInfo?.hasNextPage ?? false };
}

export interface Connection<N> {
  readonly edges: readonly { readonly cursor: string; readonly node: N }[];
  readonly pageInfo: {
    readonly endCursor: string | null;
    readonly hasNextPage: boolean;
    readonly startCursor: string | null;
    readonly hasPreviousPage: boolean;
  };
}

/**
 * A Relay connection over a service's cursor paging. An edge cursor in the middle of a page makes the next request
 * re-read that page and skip what was already seen; the last edge gets the service's own end cursor, so paging by
 * pageInfo.endCursor never re-reads anything. Forward only: hasPreviousPage is false.
 */
export async function connection<T, N>(
  args: PageArgs,
  limits: Limits,
  fetch: (first: number, after: string) => Promise<ServicePage<T>>,
  view: (item: T) => N,
): Promise<Connection<N>> {
  const first = args.first ?? limits.defaultPageSize;
  if (!Number.isInteger(first) || first < 1 || first > limits.maxPageSize) {
    throw new GatewayError("BAD_USER_INPUT", { limit: limits.maxPageSize });
  }
  const from: Cursor = args.after == null || args.after === "" ? START : decodeCursor(args.after, limits.maxPageSize);
  const page = await fetch(from.skip + first, from.after);
  const items = page.items.slice(from.skip, from.skip + first);
  const lastIndex = from.skip + items.length - 1;
  const edges = items.map((item, index) => {
    const position = from.skip + index;
    const atPageEnd = position === page.items.length - 1 && page.endCursor !== "";
    const cursor: Cursor = atPageEnd ? { after: page.endCursor, skip: 0 } : { after: from.after, skip: position + 1 };
    return { cursor: encodeCursor(cursor), node: view(item) };
  });
  return {
    edges,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
      hasNextPage: page.hasNextPage || page.items.length - 1 > lastIndex,
      hasPreviousPage: false,
    },
  };
}
