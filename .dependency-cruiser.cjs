/**
 * Process and layer boundaries, enforced (see docs/architecture.md, "Boundaries").
 * `npm run lint:deps` (part of `npm test`) fails on any violation.
 */
const domain = '^src-main/(?!electron/|ipc/|cli/|app/)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'renderer-only-contract',
      comment: 'The renderer talks to main only through window.api; of main it may import the contract alone.',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { path: '^src-main/', pathNot: '^src-main/contract/' },
    },
    {
      name: 'renderer-no-node',
      comment: 'The renderer is sandboxed: no Node built-ins, no Electron, no main-process packages.',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: {
        dependencyTypesNot: ['type-only'],
        path: '^(electron|better-sqlite3|openai|commander)($|/)',
      },
    },
    {
      name: 'renderer-no-node-core',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'domain-not-shell',
      comment: 'Domain code runs the same under vitest, the CLI and the app: it never imports the Electron shell, IPC, the CLI or the app wiring.',
      severity: 'error',
      from: { path: domain },
      to: { path: '^src-main/(electron|ipc|cli)/|^src-main/app/context' },
    },
    {
      name: 'electron-only-in-shell',
      comment: 'Only src-main/electron/ and the preload import electron.',
      severity: 'error',
      from: { path: '^src-main/', pathNot: '^src-main/electron/' },
      to: { path: '^electron($|/)' },
    },
    {
      name: 'contract-self-contained',
      comment: 'The contract is loaded by every process: it imports zod and itself only.',
      severity: 'error',
      from: { path: '^src-main/contract/' },
      to: { pathNot: '^src-main/contract/|^zod($|/)|^node_modules/zod/' },
    },
    {
      name: 'main-no-dom',
      comment: 'Main has no DOM: no React, antd or zustand.',
      severity: 'error',
      from: { path: '^src-(main|preload)/' },
      to: { path: '^(node_modules/)?(react|react-dom|antd|zustand|@ant-design)($|/)' },
    },
    {
      name: 'preload-minimal',
      comment: 'A sandboxed preload may require only electron; it bundles the dependency-free channel list.',
      severity: 'error',
      from: { path: '^src-preload/' },
      to: { pathNot: '^src-preload/|^electron($|/)|^src-main/contract/channels\\.ts$' },
    },
    {
      name: 'no-orphans-in-src',
      comment: 'A source file nothing imports is dead code (entry points excepted).',
      severity: 'error',
      from: {
        orphan: true,
        path: '^src-',
        pathNot: ['\\.d\\.ts$', '^src-main/electron/main\\.ts$', '^src-main/cli/main\\.ts$', '^src-preload/index\\.ts$', '^src-renderer/src/main\\.tsx$'],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(out|dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
