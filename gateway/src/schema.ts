import { readFile } from "node:fs/promises";

/** The SDL, read at start-up from next to this module (src/ under the source condition, dist/ once built). */
export function loadSchemaText(): Promise<string> {
  return readFile(new URL("./schema.graphql", import.meta.url), "utf8");
}
