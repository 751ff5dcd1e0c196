import { readFile } from "node:fs/promises";
import { servedModules } from "./contexts/index.js";
import { type GatewayModule, loadModuleSchema } from "./contexts/module.js";

/** What every module shares (directives, roles, root types, PageInfo), next to this file (src/ or dist/ once built). */
const SHARED_SCHEMA = new URL("./schema.graphql", import.meta.url);

/** The whole API: the shared SDL and every served module's, as the gateway serves it and the access declarations read it. */
export async function loadComposedSchemaText(modules: readonly GatewayModule[] = servedModules()): Promise<string> {
  return (await Promise.all([readFile(SHARED_SCHEMA, "utf8"), ...modules.map(loadModuleSchema)])).join("\n");
}
