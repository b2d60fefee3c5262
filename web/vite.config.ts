/// <reference types="vitest" />
import react from "@vitejs/plugin-react";
import { gzipSync } from "node:zlib";
import { defineConfig, type Plugin } from "vite";
import { SPA_PATHS } from "./src/app/paths";

// The server routes exactly these client-side paths to index.html (its route table lists
// every path it serves), so the list is written next to the build output and embedded
// with it.
function spaRoutes(): Plugin {
  return {
    name: "kanri-spa-routes",
    apply: "build",
    generateBundle() {
      this.emitFile({ type: "asset", fileName: "spa-routes.txt", source: SPA_PATHS.join("\n") + "\n" });
    },
  };
}

// A gzip twin of every script and stylesheet; the server sends it to browsers that accept
// gzip (the binary embeds both).
function gzipTwins(): Plugin {
  return {
    name: "kanri-gzip-twins",
    apply: "build",
    enforce: "post",
    generateBundle(_options, bundle) {
      for (const [fileName, item] of Object.entries(bundle)) {
        if (!/\.(js|css)$/.test(fileName)) continue;
        const source = item.type === "chunk" ? item.code : item.source;
        this.emitFile({ type: "asset", fileName: fileName + ".gz", source: gzipSync(source, { level: 9 }) });
      }
    },
  };
}

export default defineConfig({
  plugins: [react(), spaRoutes(), gzipTwins()],
  build: {
    // No inline scripts or styles: the server's Content-Security-Policy forbids them.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
    reportCompressedSize: false,
  },
  server: {
    proxy: { "/api": { target: process.env.KANRI_URL ?? "https://127.0.0.1:8443", secure: false } },
  },
  test: {
    environment: "jsdom",
    globals: true,
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
  },
});
