/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev` talks to a local API (`make run` serves it on :8000); production serves dist/ from the API itself.
const apiTarget = process.env.OPENCLAW_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { "/v1": apiTarget, "/healthz": apiTarget, "/readyz": apiTarget },
  },
  build: {
    // antd alone is larger than the default warning limit; the real budget is checked by `npm run size`.
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    unstubGlobals: true,
  },
});
