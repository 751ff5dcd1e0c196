import { readFile } from "node:fs/promises";
import { MODULES } from "./contexts/index.js";
import { type GatewayModule, loadModuleSchema } from "./contexts/module.js";

/** The SDL, read at start-up from next to this module (src/ under the source condition, dist/ once built). */
export function loadSchemaText(): Promise<string> {
  return readFile(new URL("./schema.graphql", import.meta.url), "utf8");
}

/** The whole API: schema.graphql and every module's SDL, as the gateway serves it and the access declarations read it. */
export async function loadComposedSchemaText(modules: readonly GatewayModule[] = MODULES): Promise<string> {
  return [await loadSchemaText(), ...(await Promise.all(modules.map(loadModuleSchema)))].join("\n");
}
