import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Relative base: the same build works at / (gateway local mode) or behind a path prefix.
export default defineConfig({
  base: './',
  // The contract package from its TypeScript source, as the services' tests use it (a global
  // `development` condition would also pick Lit's development build).
  resolve: {
    alias: {
      '@fleetman/contract': fileURLToPath(
        new URL('../libraries/contract/src/index.ts', import.meta.url),
      ),
    },
  },
  build: { outDir: 'dist', target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 400 },
  server: { proxy: { '/api': { target: process.env.API_TARGET ?? 'http://127.0.0.1:8080' } } },
});
