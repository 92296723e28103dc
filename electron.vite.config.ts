import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import pkg from './package.json';

// Three bundles plus the CLI. The main bundle has three entries: the Electron app, the
// headless `simpsy` CLI, which share all domain code, and the worker thread both start for
// CPU-heavy tasks (src-main/workers/README.md). Node dependencies stay external in main
// (better-sqlite3 is native), except the pure-JS ones every command loads: bundled, openai,
// zod and commander cost one file instead of ~260 resolved and read one by one, and the SDK's
// unused resources are left out, which takes a third off the CLI's start-up (≈ 0.6 → 0.4 s
// of CPU for `simpsy runs list`; docs/simulation.md, "Performance"). The preload bundles
// everything because a sandboxed preload may require nothing but 'electron'.
export default defineConfig({
  main: {
    define: { __APP_VERSION__: JSON.stringify(pkg.version) },
    build: {
      outDir: 'out/main',
      externalizeDeps: { exclude: ['openai', 'zod', 'commander'] },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          cli: resolve(__dirname, 'src-main/cli/main.ts'),
          worker: resolve(__dirname, 'src-main/workers/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [react()],
    // The renderer's only window into main's code: the contract (channel names, zod schemas, types).
    resolve: { alias: { '@contract': resolve(__dirname, 'src-main/contract/index.ts') } },
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: resolve(__dirname, 'src-renderer/index.html') },
    },
  },
});
