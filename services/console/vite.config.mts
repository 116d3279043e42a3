import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// The console builds into dist/console, which the engine serves at /app/ (Vite reads a default export).
export default defineConfig({
  root: here,
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: `${here}../../dist/console`,
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    // ECharts (and zrender beneath it) is most of the weight: one chunk shared by the pages that draw, cached apart from the console's own code.
    rollupOptions: { output: { manualChunks: (id: string) => (/node_modules\/(echarts|zrender)\//.test(id) ? 'echarts' : undefined) } },
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000', '/health': 'http://127.0.0.1:3000', '/metrics': 'http://127.0.0.1:3000' } },
});
