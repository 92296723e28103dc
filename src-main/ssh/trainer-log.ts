import type { TrainerPointView } from '../contract/finetune';

// LLaMA-Factory's trainer_log.jsonl (written by its LogCallback, one JSON object a logged
// step): read by byte offset, so each poll fetches only what was appended since the last.

/** A logged step (the contract's view, shown as it is by the app). */
export type TrainerPoint = TrainerPointView;

export interface TrainerLogChunk {
  points: TrainerPoint[];
  /** The offset after the last complete line: a line still being written is read next time. */
  nextOffset: number;
  /** Complete lines that were not a step record (eval-only lines, damage): counted, not fatal. */
  skipped: number;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** "0:01:05" → 65; "1 day, 2:00:00" → 93600; anything else → null. */
export function parseDuration(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = /^(?:(\d+) days?, )?(\d+):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1] ?? 0) * 86_400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

/** Parses the bytes read at `offset`. Only whole lines count; their bytes advance the offset. */
export function parseTrainerLog(bytes: Buffer, offset: number): TrainerLogChunk {
  const end = bytes.lastIndexOf(0x0a);
  if (end < 0) return { points: [], nextOffset: offset, skipped: 0 };
  const points: TrainerPoint[] = [];
  let skipped = 0;
  for (const line of bytes.subarray(0, end).toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as Record<string, unknown>;
      const step = num(r.current_steps);
      const total = num(r.total_steps);
      if (step === null || total === null) {
        skipped++;
        continue;
      }
      points.push({ step, totalSteps: total, epoch: num(r.epoch), loss: num(r.loss), lr: num(r.lr), etaSeconds: parseDuration(r.remaining_time) });
    } catch {
      skipped++;
    }
  }
  return { points, nextOffset: offset + end + 1, skipped };
}
