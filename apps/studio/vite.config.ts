/**
 * The Studio's build: React, one entry (index.html), every page a lazy chunk (src/routes.tsx).
 * `@atom/spec` runs in the browser for validation as you type; its one Node import (`node:crypto`,
 * for the document hash) is replaced by a small synchronous SHA-256 (src/shims/node-crypto.ts).
 * `npm run dev` proxies /api (and the live stream) to an `atom start` on 127.0.0.1:5058.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { 'node:crypto': fileURLToPath(new URL('./src/shims/node-crypto.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    // scripts/report-bundle.mjs prints every chunk gzipped and checks the initial budget.
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2048,
  },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:5058', ws: true } } },
});
