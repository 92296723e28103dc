import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { DomainError } from '../../common/errors';
import { alreadyExists, checkTarget, SafeFile, writeFileSafely } from '../../common/safe-write';
import { loadDataset, type DatasetSpec } from '../../evaluation/dataset';
import { counselorPrompts } from '../../simulation/counselor-prompt';
import { counselorTemplate } from '../../simulation/resources';
import type { Db } from '../../storage/database';
import { datasetInfoEntry, sftRecord, type SftFormat } from './formats';
import { samplesOf, sampleSizes, shapeSessions, type SftMode } from './samples';
import type { ShapeCounts } from './shape';
import { approxTokens } from './tokens';

// `simpsy sft export`: a dataset of sessions (runs and the dialogue browser's filter, through
// evaluation/dataset.ts) as LLaMA-Factory SFT data, with the dataset_info.json entry that reads
// it, in the same folder. Statistics come first and need no writing (`planSft`); the export
// writes both files through common/safe-write.ts: each appears whole or not at all, an existing
// data file or dataset entry is replaced only with `overwrite`, and an existing
// dataset_info.json keeps its other entries (LLaMA-Factory's data/ folder holds many).

/** Which system prompt comes first in every sample. */
export type SystemChoice =
  /** The run's counselor prompt as its snapshot recorded it; the shipped default for runs without one. */
  | { kind: 'run' }
  /** A shipped counselor template in each run's language (`released`: the paper's released data, zh). */
  | { kind: 'template'; name: 'default' | 'released' }
  | { kind: 'text'; text: string };

export interface SftOptions {
  format: SftFormat;
  mode: SftMode;
  system: SystemChoice;
  /** For the statistics' "longer than cutoff_len" count (the job's default: 4096). */
  cutoffLen: number;
}

export interface SftStatistics {
  format: SftFormat;
  mode: SftMode;
  /** Ended sessions in the dataset, and those giving at least one sample. */
  sessions: number;
  sessionsUsed: number;
  samples: number;
  /** Counselor turns under the loss (the same in both modes). */
  counselorTurns: number;
  /** Approximate tokens (sft/tokens.ts): all samples, and the counselor turns trained. */
  tokens: number;
  trainedTokens: number;
  longest: { tokens: number; sessionId: number; turn: number } | null;
  cutoffLen: number;
  overCutoff: number;
  /** What shaping changed (sft/shape.ts). */
  shape: ShapeCounts;
  /** Sessions by where their system prompt came from. */
  systemPrompts: { snapshot: number; default: number; chosen: number };
}

export interface SftPlan {
  statistics: SftStatistics;
  /** The records (JSON text), a slice of sessions at a time. */
  records(): Generator<string[]>;
}

const SLICE = 200;

export function planSft(db: Db, resourcesDir: string, spec: DatasetSpec, options: SftOptions): SftPlan {
  const dataset = loadDataset(db, spec);
  const { shaped, counts } = shapeSessions(dataset.sessions);
  const promptOf = counselorPrompts(db, resourcesDir);
  const languageOf = new Map(dataset.runs.map((r) => [r.id, r.language]));
  const systemPrompts = { snapshot: 0, default: 0, chosen: 0 };
  // Each run's prompt is read, encoded and counted once (a prefix export repeats it per sample).
  const byRun = new Map<number, { json: string; tokens: number; source: keyof typeof systemPrompts }>();
  const systemOf = (runId: number) => {
    let e = byRun.get(runId);
    if (!e) {
      const { text, source } =
        options.system.kind === 'run'
          ? promptOf(runId)
          : { text: options.system.kind === 'text' ? options.system.text : counselorTemplate(resourcesDir, languageOf.get(runId)!, options.system.name), source: 'chosen' as const };
      byRun.set(runId, (e = { json: JSON.stringify(text), tokens: approxTokens(text), source }));
    }
    systemPrompts[e.source]++;
    return e;
  };

  const statistics: SftStatistics = {
    format: options.format,
    mode: options.mode,
    sessions: dataset.sessions.length,
    sessionsUsed: 0,
    samples: 0,
    counselorTurns: 0,
    tokens: 0,
    trainedTokens: 0,
    longest: null,
    cutoffLen: options.cutoffLen,
    overCutoff: 0,
    shape: counts,
    systemPrompts,
  };
  const systems = shaped.map((s) => systemOf(s.session.runId));
  shaped.forEach((s, i) => {
    const sizes = sampleSizes(s, options.mode, systems[i]!.tokens, options.cutoffLen);
    if (sizes.samples === 0) return;
    statistics.sessionsUsed++;
    statistics.samples += sizes.samples;
    statistics.counselorTurns += s.turns.length / 2;
    statistics.tokens += sizes.tokens;
    statistics.trainedTokens += sizes.trainedTokens;
    statistics.overCutoff += sizes.overCutoff;
    if (sizes.longest && (!statistics.longest || sizes.longest.tokens > statistics.longest.tokens)) statistics.longest = sizes.longest;
  });

  return {
    statistics,
    *records() {
      for (let i = 0; i < shaped.length; i += SLICE) {
        const out: string[] = [];
        for (let j = i; j < Math.min(i + SLICE, shaped.length); j++) {
          for (const sample of samplesOf(shaped[j]!, options.mode)) out.push(sftRecord(options.format, systems[j]!.json, sample.messages));
        }
        yield out;
      }
    },
  };
}

export interface SftExportResult {
  path: string;
  datasetInfo: string;
  datasetName: string;
  statistics: SftStatistics;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The name a dataset gets in dataset_info.json: given, or the data file's name without extension. */
export function datasetNameFor(path: string, given?: string): string {
  const name = given ?? basename(path, extname(path));
  if (!NAME.test(name) || name.length > 100) {
    throw new DomainError(
      'validation',
      `'${name}' cannot name a LLaMA-Factory dataset (it goes into the training YAML's dataset: line); use letters, digits, '_', '.' and '-' (give one with --name).`,
      [{ path: 'name', message: 'letters, digits, _ . -' }],
    );
  }
  return name;
}

export async function exportSft(
  db: Db,
  resourcesDir: string,
  spec: DatasetSpec,
  options: SftOptions & { path: string; jsonl: boolean; name?: string; overwrite?: boolean },
  protect: readonly string[] = [],
): Promise<SftExportResult> {
  const name = datasetNameFor(options.path, options.name);
  const plan = planSft(db, resourcesDir, spec, options);
  if (plan.statistics.samples === 0) {
    throw new DomainError('validation', `None of the ${plan.statistics.sessions} sessions has a counselor turn answering the client: there is nothing to train on, and nothing was written.`);
  }
  const infoPath = join(dirname(options.path), 'dataset_info.json');
  const write = { overwrite: options.overwrite ?? false, protect };
  // Both targets are checked before either is written: a refusal leaves nothing behind. An
  // existing dataset_info.json is added to (a data/ folder holds many datasets); only an entry
  // of the same name needs `overwrite` to be replaced.
  checkTarget(options.path, write);
  checkTarget(infoPath, { ...write, overwrite: true });
  const existing = readDatasetInfo(infoPath);
  if (name in existing && !write.overwrite) throw alreadyExists(infoPath, `${infoPath} already has a dataset named '${name}'`);
  const info = { ...existing, [name]: datasetInfoEntry(options.format, basename(options.path)) };

  const file = SafeFile.create(options.path, write);
  try {
    let first = true;
    if (!options.jsonl) file.write('[');
    for (const records of plan.records()) {
      if (records.length === 0) continue;
      file.write(options.jsonl ? `${records.join('\n')}\n` : `${first ? '' : ','}\n  ${records.join(',\n  ')}`);
      first = false;
      await yieldToLoop();
    }
    if (!options.jsonl) file.write('\n]\n');
    file.commit();
  } catch (error) {
    file.discard();
    throw error;
  }
  writeFileSafely(infoPath, `${JSON.stringify(info, null, 2)}\n`, { ...write, overwrite: true });
  return { path: options.path, datasetInfo: infoPath, datasetName: name, statistics: plan.statistics };
}

/** An existing dataset_info.json's entries, kept beside ours; none when there is no file. */
function readDatasetInfo(path: string): Record<string, unknown> {
  try {
    if (!statSync(path).isFile()) return {};
  } catch {
    return {};
  }
  const text = readFileSync(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const at = /position (\d+)/.exec((error as Error).message);
    const line = at ? text.slice(0, Number(at[1])).split('\n').length : null;
    throw new DomainError('validation', `${path}${line ? `, line ${line}` : ''} is not valid JSON, so the new entry cannot be added to it; fix or move it, then export again. Nothing was written.`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new DomainError('validation', `${path} is not a JSON object of datasets, so the new entry cannot be added to it; move it away, then export again. Nothing was written.`);
  }
  return parsed as Record<string, unknown>;
}
