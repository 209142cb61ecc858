import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// JSX through Vite's own transform (oxc): no Babel plugin needed. The output lands in
// dist/web, which the api serves at `/`.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // No inline <script> or style: the api's Content-Security-Policy allows only 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/api': 'http://localhost:3000', '/config.json': 'http://localhost:3000' },
  },
});
