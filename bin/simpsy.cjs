#!/usr/bin/env node
// Entry of the `simpsy` command: the CLI is bundled with the app's main-process code.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '..', 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('simpsy: the CLI is not built yet; run `npm run build` in the SimPsy Studio folder.\n');
  process.exit(1);
}
require(cli);
