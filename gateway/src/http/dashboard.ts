import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyPluginAsync, FastifyReply } from "fastify";

/**
 * The supervision dashboard page (dashboard/, built by Vite into dashboard/dist) at /dashboard/. Only these static
 * files are public: every figure on the page comes from /graphql with the user's own bearer token, so what a user
 * sees is decided there (@allow and the services' tenant checks), not here. The files are read once, on the first
 * request after they exist, and served from memory by exact name (no paths from the request reach the file system).
 * A strict content security policy: scripts, styles and requests from this origin only, nothing inline, no framing.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** dashboard/dist beside the gateway's folder: the same from gateway/src/http (sources) and gateway/dist/http (built). */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL("../../../dashboard/dist/", import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
};

interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
}

/** index.html and the files under assets/ (content-hashed names), by name. Undefined until the page is built. */
function readPage(directory: string): { index: StaticFile; assets: ReadonlyMap<string, StaticFile> } | undefined {
  const indexFile = join(directory, "index.html");
  if (!existsSync(indexFile)) return undefined;
  const assetsDir = join(directory, "assets");
  const assets = new Map<string, StaticFile>();
  if (existsSync(assetsDir)) {
    for (const name of readdirSync(assetsDir)) {
      const type = TYPES[extname(name)];
      if (type !== undefined) assets.set(name, { body: readFileSync(join(assetsDir, name)), type });
    }
  }
  return { index: { body: readFileSync(indexFile), type: TYPES[".html"] ?? "text/html" }, assets };
}

function send(reply: FastifyReply, file: StaticFile, cacheControl: string): FastifyReply {
  return reply
    .header("content-type", file.type)
    .header("content-security-policy", DASHBOARD_CSP)
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", "no-referrer")
    .header("cross-origin-resource-policy", "same-origin")
    .header("cache-control", cacheControl)
    .send(file.body);
}

export function dashboardRoutes(directory: string = DEFAULT_DASHBOARD_DIR): FastifyPluginAsync {
  return (app) => {
    let page: ReturnType<typeof readPage>;
    const loaded = () => (page ??= readPage(directory));
    app.get("/dashboard", (_request, reply) => reply.redirect("/dashboard/", 301));
    app.get("/dashboard/", (request, reply) => {
      const current = loaded();
      if (current === undefined) {
        request.log.warn({ directory }, "the dashboard is not built (npm run build)");
        return reply.callNotFound();
      }
      // The page itself is small and names its hashed assets: always revalidated, so a new build shows at once.
      return send(reply, current.index, "no-cache");
    });
    app.get<{ Params: { name: string } }>("/dashboard/assets/:name", (request, reply) => {
      const asset = loaded()?.assets.get(request.params.name);
      return asset === undefined ? reply.callNotFound() : send(reply, asset, "public, max-age=31536000, immutable");
    });
    return Promise.resolve();
  };
}
