/// <reference types="vitest/config" />
// Vite serves the UI to the Tauri shell: `npm run dev` on a fixed port for `tauri dev`,
// `npm run build` into ui/dist, which tauri.conf.json names as frontendDist.
import { fileURLToPath, URL } from "node:url";
import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";

export default defineConfig({
  plugins: [svelte(), svelteTesting()],
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
