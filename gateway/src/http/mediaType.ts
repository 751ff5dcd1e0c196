/** The two response media types of GraphQL over HTTP (graphql.github.io/graphql-over-http). */
export const GRAPHQL_RESPONSE_JSON = "application/graphql-response+json";
export const JSON_TYPE = "application/json";
export type ResponseMediaType = typeof GRAPHQL_RESPONSE_JSON | typeof JSON_TYPE;

/**
 * The media type to answer with, from the request's Accept header: the new `application/graphql-response+json` when
 * the client prefers it (ties go to it: a client that names it understands it), otherwise `application/json`, which
 * the specification says to assume when Accept is missing or names neither. Clients of the new type get HTTP
 * statuses that describe the failure; clients of plain JSON get 200 for every well-formed request (see errors/).
 */
export function responseMediaType(accept: string | string[] | undefined): ResponseMediaType {
  const header = Array.isArray(accept) ? accept.join(",") : accept;
  if (header === undefined || header === "") return JSON_TYPE;
  let graphqlQuality = 0;
  let jsonQuality = 0;
  for (const range of header.split(",")) {
    const [type = "", ...parameters] = range.split(";").map((part) => part.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith("q="));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    if (!Number.isFinite(quality)) continue;
    if (type === GRAPHQL_RESPONSE_JSON) graphqlQuality = Math.max(graphqlQuality, quality);
    else if (type === JSON_TYPE || type === "application/*" || type === "*/*") jsonQuality = Math.max(jsonQuality, quality);
  }
  return graphqlQuality > 0 && graphqlQuality >= jsonQuality ? GRAPHQL_RESPONSE_JSON : JSON_TYPE;
}
