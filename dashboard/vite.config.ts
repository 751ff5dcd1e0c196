import { defineConfig } from "vite";

// A static page the gateway serves at /dashboard/ (gateway/src/http/dashboard.ts). Everything is bundled into files
// under dist/: no CDN, no inline script or style (the gateway's content security policy allows only 'self').
export default defineConfig({
  root: import.meta.dirname,
  base: "/dashboard/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1_200,
  },
});
