// The operator console's build: a static app served by partnerpay itself at /console.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: __dirname,
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: { proxy: { '/admin': 'http://127.0.0.1:3000', '/openapi.json': 'http://127.0.0.1:3000' } },
});
