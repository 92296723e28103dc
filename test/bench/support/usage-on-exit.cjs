// Preloaded into the built `simpsy` by a benchmark (NODE_OPTIONS=--require this file): as the
// process exits, writes its CPU time and peak memory to the file named by SIMPSY_BENCH_USAGE,
// a benchmark's view of one whole CLI command, start-up included, on any OS.
const { writeFileSync } = require('node:fs');

const out = process.env.SIMPSY_BENCH_USAGE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKb: u.maxRSS }));
  });
}
