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
    // No source maps in the build: the deployed client is uploaded as built, and maps would only
    // add weight to it (and the sources to the bucket). `npx vite` (dev server) still maps.
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    fs: { allow: [resolve(here, '..')] },
  },
});
