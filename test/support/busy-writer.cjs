// Another process writing to the same database: it takes the write lock, holds it for
// HOLD ms (as a slow transaction would), commits, and pauses GAP ms, over and over, until it
// is sent SIGTERM or MAX ms have passed. Prints "ready" after its first commit and the
// number of commits when it stops. Usage: node busy-writer.cjs DB HOLD GAP MAX
const Database = require('better-sqlite3');

const [file, hold = '40', gap = '5', max = '120000'] = process.argv.slice(2);
const db = new Database(file);
db.pragma('busy_timeout = 30000');
const upsert = db.prepare("INSERT INTO settings (key, value) VALUES ('test.busyWriter', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

let commits = 0;
let stop = false;
process.on('SIGTERM', () => (stop = true));
const until = Date.now() + Number(max);
const loop = () => {
  db.exec('BEGIN IMMEDIATE');
  upsert.run(String(commits));
  sleep(Number(hold));
  db.exec('COMMIT');
  if (++commits === 1) process.stdout.write('ready\n');
  if (stop || Date.now() > until) {
    process.stdout.write(`${commits} commits\n`);
    db.close();
    return;
  }
  // Back to the event loop between transactions, so SIGTERM is seen.
  setTimeout(loop, Number(gap));
};
loop();
