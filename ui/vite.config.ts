/// <reference types="vitest/config" />
// Vite serves the UI to the Tauri shell: `npm run dev` on a fixed port for `tauri dev`,
// `npm run build` into ui/dist, which tauri.conf.json names as frontendDist.
import { cpSync } from "node:fs";
import { fileURLToPath, URL } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";

// pdf.js's Adobe CJK character maps and standard fonts, shipped beside the app (no network):
// Chinese PDFs that do not embed their fonts need them (reader/pdf.ts).
function pdfjsData(): Plugin {
  const from = (dir: string) => fileURLToPath(new URL(`./node_modules/pdfjs-dist/${dir}/`, import.meta.url));
  return {
    name: "paneldesk-pdfjs-data",
    apply: "build",
    writeBundle(options) {
      const out = options.dir ?? "dist";
      for (const dir of ["cmaps", "standard_fonts"]) {
        cpSync(from(dir), `${out}/pdfjs/${dir}`, { recursive: true });
      }
    },
  };
}

export default defineConfig({
  plugins: [svelte(), svelteTesting(), pdfjsData()],
  resolve: {
    alias: {
      $lib: fileURLToPath(new URL("./src/lib", import.meta.url)),
    },
  },
  // Tauri prints its own output; keep Vite's visible.
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Linux builds run in WebKitGTK, roughly Safari 15.
    target: "safari15",
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    restoreMocks: true,
  },
});
