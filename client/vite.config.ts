import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The browser client: one page app served by the Rapport server from client/dist. */
export default defineConfig({
  root,
  // Svelte's defaults are all this app needs; there is no svelte.config.js to look for.
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Rolldown warns when plugins take most of a build, as Svelte's compiler does on a busy machine:
    // nothing a user can act on.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    // `npm run dev:client` next to `npm run serve` on :3000.
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
});
