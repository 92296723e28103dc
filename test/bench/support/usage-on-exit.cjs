// Runs the built `simpsy` in this very process (arguments as given) and, as it exits, writes
// the process's CPU time and peak memory to the file named by SIMPSY_BENCH_USAGE: a
// benchmark's view of one whole CLI command, start-up included, on any OS.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const out = process.env.SIMPSY_BENCH_USAGE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000, maxRssKb: u.maxRSS }));
  });
}
require(join(__dirname, '..', '..', '..', 'bin', 'simpsy.cjs'));
