import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Renderer modules without DOM (the card form model) are unit-tested here; they import the contract as the renderer does.
  resolve: { alias: { '@contract': resolve(import.meta.dirname, 'src-main/contract/index.ts') } },
  test: {
    include: ['test/**/*.test.ts'],
    // Browser and CLI tests start processes; give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    benchmark: { include: ['test/bench/**/*.bench.ts'] },
  },
});
