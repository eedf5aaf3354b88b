/**
 * Vite build of the browser client: root is web/, output web/dist (served at `/` by local
 * mode and uploaded to the web bucket on AWS). `base: './'` keeps every asset URL relative,
 * so the same build works at any path (a CloudFront prefix, a file server, local mode).
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  publicDir: false,
  build: {
    outDir: resolve(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 600,
  },
  server: {
    fs: { allow: [resolve(here, '..')] },
  },
});
