import { defineConfig } from 'vite';

// The dev server proxies the API to a running `hopcheck serve`
// (HOPCHECK_API, default http://127.0.0.1:8080); the build goes to dist/,
// which frontend/embed.go embeds into the binary.
export default defineConfig({
  server: {
    host: '127.0.0.1',
    proxy: { '/api': process.env.HOPCHECK_API ?? 'http://127.0.0.1:8080' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // Cytoscape and its layouts are loaded only by the pages that draw graphs.
    chunkSizeWarningLimit: 700,
  },
});
