// The layers of docs/architecture.md, checked by dependency-cruiser in `npm test`
// (`npm run lint:deps`). Type-only imports count: a cycle through types is still a cycle.
// test/layers.test.ts proves each rule fails a deliberately bad import.

const { builtinModules } = require('node:module');

/** Node's built-in modules, with or without `node:`. */
const nodeBuiltin = `^(node:)?(${builtinModules.map((m) => m.replace(/[/.]/g, '\\$&')).join('|')})$`;
/** Where Electron resolves (or its bare name, when the package is not installed). */
const electron = '(^|/)node_modules/electron/|^electron$';
/** Code that runs only in the main process and may know about Electron, IPC or the CLI. */
const shell = '^src-main/(electron|ipc|cli)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No cycles, type-only ones included: a cycle hides which part depends on which.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'renderer-only-contract',
      comment: 'The renderer imports its own code and the contract (@contract), nothing else of the repository.',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { dependencyTypesNot: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown', 'core'], pathNot: '^(src-renderer/|src-main/contract/)' },
    },
    {
      name: 'renderer-no-node',
      comment: 'The renderer is sandboxed: no Node built-in (fs, path…), no Electron, no database or model SDK.',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { path: `${nodeBuiltin}|${electron}|(^|/)node_modules/(better-sqlite3|openai|commander)/` },
    },
    {
      name: 'domain-not-shell',
      comment:
        'Domain code (src-main/* but electron/, ipc/, cli/) is plain Node: it never imports the shell, nor app/context ' +
        '(it takes narrow interfaces of its own; app/context.ts only wires them).',
      severity: 'error',
      from: { path: '^src-main/', pathNot: shell },
      to: { path: `${shell}|^src-main/app/context\\.ts$` },
    },
    {
      name: 'electron-only-in-shell',
      comment: 'Only src-main/electron/ and the preload import electron; everything else runs under vitest and the CLI.',
      severity: 'error',
      from: { pathNot: '^(src-main/electron/|src-preload/)' },
      to: { path: electron },
    },
    {
      name: 'contract-self-contained',
      comment: 'The contract is shared by every process: it imports only zod and itself.',
      severity: 'error',
      from: { path: '^src-main/contract/' },
      to: { pathNot: '^src-main/contract/|(^|/)node_modules/zod/' },
    },
    {
      name: 'main-no-dom',
      comment: 'Main and the preload import no DOM or React code and nothing of the renderer.',
      severity: 'error',
      from: { path: '^(src-main|src-preload)/' },
      to: { path: '^src-renderer/|(^|/)node_modules/(react|react-dom|antd|zustand|@ant-design/[^/]+)/' },
    },
    {
      name: 'preload-minimal',
      comment: 'The sandboxed preload may require only electron, its own files and the dependency-free channel list.',
      severity: 'error',
      from: { path: '^src-preload/' },
      to: { pathNot: `^src-preload/|^src-main/contract/channels\\.ts$|${electron}` },
    },
    {
      name: 'no-orphans',
      comment: 'A module nothing imports and that imports nothing is dead code or a missing wire.',
      severity: 'error',
      from: { orphan: true, pathNot: '\\.d\\.ts$' },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.web.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '.json'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
