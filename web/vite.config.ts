import { defineConfig } from 'vite';

// Relative base: the same build works at / (gateway local mode) or behind a path prefix.
export default defineConfig({
  base: './',
  build: { outDir: 'dist', target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 400 },
  server: { proxy: { '/api': { target: process.env.API_TARGET ?? 'http://127.0.0.1:8080' } } },
});
