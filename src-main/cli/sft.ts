import type { Command } from 'commander';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { endReasons } from '../contract/simulation';
import { DomainError } from '../common/errors';
import { writeFailure } from '../common/safe-write';
import type { DatasetSpec } from '../evaluation/dataset';
import { exportSft, type SftStatistics, type SystemChoice } from '../finetune/sft/export';
import { sftFormats, type SftFormat } from '../finetune/sft/formats';
import { sftModes, type SftMode } from '../finetune/sft/samples';
import { DEFAULT_CUTOFF_LEN } from '../finetune/config/defaults';
import { reasons } from './dialogues';
import { count, runIds } from './evaluate';
import type { WithContext } from './context';

// `simpsy sft export OUT --runs IDS`: SFT data for LLaMA-Factory (finetune/sft/), with its
// dataset_info.json beside it, and the statistics to check before training.

const out = (line: string): void => void process.stdout.write(`${line}\n`);

interface ExportFlags {
  runs?: string;
  format: string;
  mode: string;
  jsonl?: boolean;
  json?: boolean;
  endReason?: string;
  minTurns?: string;
  maxTurns?: string;
  tag?: string[];
  system: string;
  systemFile?: string;
  name?: string;
  cutoffLen?: string;
  force?: boolean;
}

function oneOf<T extends string>(flag: string, raw: string, values: readonly T[]): T {
  if (!(values as readonly string[]).includes(raw)) throw new DomainError('validation', `${flag} must be one of ${values.join(', ')}, got '${raw}'.`);
  return raw as T;
}

function datasetSpec(o: ExportFlags): DatasetSpec {
  if (!o.runs) throw new DomainError('validation', 'Say which runs to export: --runs 3 (or --runs 3,4); see them with: simpsy runs list');
  const ends = reasons(o.endReason);
  const minTurns = count('--min-turns', o.minTurns);
  const maxTurns = count('--max-turns', o.maxTurns);
  return {
    runIds: runIds('--runs', [o.runs]),
    ...(ends ? { endReasons: ends } : {}),
    ...(minTurns !== undefined ? { minTurns } : {}),
    ...(maxTurns !== undefined ? { maxTurns } : {}),
    ...(o.tag?.length ? { tags: o.tag } : {}),
  };
}

function systemChoice(o: ExportFlags): SystemChoice {
  if (o.systemFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(resolve(o.systemFile), 'utf8').trim();
    } catch (error) {
      throw new DomainError('not_found', `Cannot read --system-file ${o.systemFile} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
    }
    if (text === '') throw new DomainError('validation', `--system-file ${o.systemFile} is empty; write the counselor's system prompt in it.`);
    return { kind: 'text', text };
  }
  const kind = oneOf('--system', o.system, ['run', 'default', 'released'] as const);
  return kind === 'run' ? { kind: 'run' } : { kind: 'template', name: kind };
}

function printSftStatistics(s: SftStatistics): void {
  out(`${s.samples} samples (${s.mode}${s.mode === 'prefix' ? ': one per counselor turn, mask_history' : ': one per session'}) from ${s.sessionsUsed} of ${s.sessions} sessions, ${s.counselorTurns} counselor turns trained`);
  out(`≈ ${s.tokens} tokens in all, ≈ ${s.trainedTokens} under the loss (approximate: 1 per CJK character, 1 per 4 other characters, 4 per message)`);
  if (s.longest) {
    const fits = s.longest.tokens <= s.cutoffLen;
    out(`longest sample ≈ ${s.longest.tokens} tokens (session ${s.longest.sessionId}, counselor turn ${s.longest.turn}); cutoff_len ${s.cutoffLen}: ${fits ? 'every sample fits' : `${s.overCutoff} samples longer, ${s.mode === 'prefix' ? 'their oldest history would be cut' : 'their later counselor turns would be cut'} (raise it: simpsy finetune config --set cutoff_len=N)`}`);
  }
  const shape = s.shape;
  const changes = [
    shape.merged ? `joined ${shape.merged} consecutive same-role messages` : '',
    shape.empty ? `dropped ${shape.empty} empty messages` : '',
    shape.counselorOpenings ? `dropped the counselor's opening message of ${shape.counselorOpenings} sessions` : '',
    shape.trailingClient ? `dropped the unanswered last client message of ${shape.trailingClient} sessions` : '',
    s.sessions > s.sessionsUsed ? `left out ${s.sessions - s.sessionsUsed} sessions without a counselor answer` : '',
  ].filter(Boolean);
  out(changes.length ? `shape: ${changes.join('; ')}` : 'shape: every session already alternated client/counselor from the client on and ended on the counselor');
  const p = s.systemPrompts;
  if (p.default > 0) out(`system prompt: ${p.default} sessions come from runs without a recorded counselor prompt and got the shipped default (--system released for the paper's)`);
}

export function sftCommand(program: Command, withContext: WithContext): void {
  const sft = program.command('sft').description('Supervised fine-tuning data for LLaMA-Factory (paper §5.1)');
  sft
    .command('export')
    .description('Write SFT data (one sample per counselor turn, or per session) and its dataset_info.json beside it')
    .argument('<path>', 'the data file to write (dataset_info.json goes in the same folder)')
    .option('--runs <ids>', 'the dataset: run ids, comma-separated')
    .option('--format <format>', `${sftFormats.join(' or ')}`, 'openai')
    .option('--mode <mode>', 'prefix: one sample per counselor turn, loss on it alone (the paper); session: one per session, loss on every counselor turn', 'prefix')
    .option('--jsonl', 'JSON Lines instead of one JSON array')
    .option('--end-reason <reasons>', `only sessions that ended so: ${endReasons.join(', ')}`)
    .option('--min-turns <n>', 'only sessions with at least this many turns')
    .option('--max-turns <n>', 'only sessions with at most this many turns')
    .option('--tag <tag>', 'only sessions with this tag (repeat for several)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--system <which>', "system prompt: run (each run's recorded counselor prompt), default or released (shipped templates)", 'run')
    .option('--system-file <file>', 'system prompt: the text of this file')
    .option('--name <name>', 'the dataset name in dataset_info.json (default: the file name without extension)')
    .option('--cutoff-len <n>', 'the cutoff_len to compare samples with', String(DEFAULT_CUTOFF_LEN))
    .option('--force', 'replace existing files (other entries of dataset_info.json are kept)')
    .option('--json', 'print the statistics as one JSON object on the last line')
    .action((path: string, o: ExportFlags) =>
      withContext(async (ctx) => {
        const spec = datasetSpec(o);
        const format = oneOf<SftFormat>('--format', o.format, sftFormats);
        const mode = oneOf<SftMode>('--mode', o.mode, sftModes);
        const cutoffLen = count('--cutoff-len', o.cutoffLen) ?? DEFAULT_CUTOFF_LEN;
        const target = resolve(path);
        try {
          mkdirSync(dirname(target), { recursive: true });
        } catch (error) {
          throw writeFailure(target, error);
        }
        const result = await exportSft(
          ctx.db,
          ctx.resourcesDir,
          spec,
          { format, mode, system: systemChoice(o), cutoffLen, path: target, jsonl: o.jsonl ?? false, ...(o.name ? { name: o.name } : {}), overwrite: o.force ?? false },
          [ctx.dbPath],
        );
        if (o.json) return out(JSON.stringify({ path: result.path, datasetInfo: result.datasetInfo, datasetName: result.datasetName, ...result.statistics }));
        printSftStatistics(result.statistics);
        out(`Wrote ${result.path} and the entry '${result.datasetName}' in ${result.datasetInfo}.`);
      }),
    );
}
