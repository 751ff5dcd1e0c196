// GraphQL over HTTP to the gateway that served the page (same origin), with the user's bearer token.

/** A refusal or failure as the gateway described it: its stable code and texts (messageZh from extensions). */
export class DashboardError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly messageZh: string | undefined,
  ) {
    super(message);
  }
}

interface GraphQLErrorBody {
  readonly message?: unknown;
  readonly extensions?: { readonly code?: unknown; readonly messageZh?: unknown };
}

interface GraphQLResponse<T> {
  readonly data?: T | null;
  readonly errors?: readonly GraphQLErrorBody[];
}

const ENDPOINT = "/graphql";

export async function graphql<T>(query: string, variables: Record<string, unknown>, token: string | undefined): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/graphql-response+json, application/json" };
  if (token !== undefined) headers["authorization"] = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(ENDPOINT, { method: "POST", headers, body: JSON.stringify({ query, variables }), credentials: "omit", cache: "no-store" });
  } catch {
    throw new DashboardError("NETWORK_ERROR", "The gateway could not be reached.", "无法连接网关。");
  }
  let body: GraphQLResponse<T>;
  try {
    body = (await response.json()) as GraphQLResponse<T>;
  } catch {
    throw new DashboardError(`HTTP_${response.status}`, `The gateway answered HTTP ${response.status}.`, undefined);
  }
  const first = body.errors?.[0];
  if (first !== undefined) throw errorOf(first);
  if (body.data === undefined || body.data === null) throw new DashboardError(`HTTP_${response.status}`, `The gateway answered HTTP ${response.status} without data.`, undefined);
  return body.data;
}

function errorOf(error: GraphQLErrorBody): DashboardError {
  const code = typeof error.extensions?.code === "string" ? error.extensions.code : "GRAPHQL_ERROR";
  const message = typeof error.message === "string" ? error.message : "The request failed.";
  const messageZh = typeof error.extensions?.messageZh === "string" ? error.extensions.messageZh : undefined;
  return new DashboardError(code, message, messageZh);
}
