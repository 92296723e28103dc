import { Command, CommanderError } from 'commander';
import { resolve } from 'node:path';
import { defaultDbPath } from '../app/paths';
import { DomainError } from '../common/errors';
import { databaseFailure } from '../storage/failure';
import { cardsCommand } from './cards';
import { contextOpener } from './context';
import { dbCommand } from './db';
import { dialoguesCommand } from './dialogues';
import { endpointsCommand } from './endpoints';
import { evaluateCommand } from './evaluate';
import { judgeCommands } from './evaluate-judge';
import { endQuietlyOnClosedPipe } from './io';
import { ratingsCommand } from './ratings';
import { runsCommand } from './runs';
import { sftCommand } from './sft';
import { simulateCommand } from './simulate';
import { counselorsCommand } from './counselors';
import { arenaCommand } from './arena';
import { sshCommand } from './ssh';
import { finetuneCommand } from './finetune';
import { finetuneJobCommands } from './finetune-jobs';
import { annotateCommand } from './annotate';
import { finetuneServeCommands } from './finetune-serve';

// `simpsy`: the same domain code and database as the app, headless, for servers and batch
// work. Failures print one line on stderr and exit 1.

declare const __APP_VERSION__: string | undefined;

const program = new Command('simpsy')
  .description('SimPsy Studio on the command line: simulated counseling dialogues with LLMs')
  .version(typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : '0.0.0')
  .option('--db <file>', 'SQLite database to use', defaultDbPath())
  .configureOutput({
    // commander's own errors (unknown command or option, missing argument) in our one-line form.
    outputError: (message, write) => write(`simpsy: ${message.replace(/^error: /, '').trim()} (see --help)\n`),
  })
  .exitOverride();

const dbPath = () => resolve(program.opts<{ db: string }>().db);

const withContext = contextOpener(dbPath, program.version() ?? '0.0.0');

endpointsCommand(program, withContext);
cardsCommand(program, withContext);
simulateCommand(program, withContext);
runsCommand(program, withContext);
dialoguesCommand(program, withContext);
evaluateCommand(program, withContext);
judgeCommands(program, withContext);
sshCommand(program, withContext);
dbCommand(program, dbPath);
sftCommand(program, withContext);
const finetune = finetuneCommand(program);
finetuneJobCommands(finetune, withContext);
finetuneServeCommands(finetune, withContext);
ratingsCommand(program, withContext);
counselorsCommand(program, withContext);
arenaCommand(program, withContext);
annotateCommand(program, withContext);

function fail(message: string): void {
  process.stderr.write(`simpsy: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exitCode = 1;
}

endQuietlyOnClosedPipe();

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // Help and --version "fail" with exit code 0; commander has already printed its message.
    process.exitCode = error.exitCode;
    return;
  }
  if (error instanceof DomainError) {
    fail(error.message);
    // Ctrl-C stopped the work: the shell's usual code for an interrupt.
    if (error.code === 'cancelled') process.exitCode = 130;
    return;
  }
  // A failed write (disk full, file made read-only, damage found mid-way) names the file and the way out.
  const database = databaseFailure(error, dbPath(), 'use');
  fail(database?.message ?? (error instanceof Error ? error.message : String(error)));
});
