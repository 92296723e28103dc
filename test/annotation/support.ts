import { createAppContext, type AppContext } from '../../src-main/app/context';
import { choiceOf, type PackageFile } from '../../src-main/annotation/package';
import { exportWork, type WorkFile, type WorkVerdict } from '../../src-main/annotation/work';
import { arenaPlay } from '../arena/support';
import { startLlmServer } from '../llm-server/server';
import { makeCard } from '../role-cards/support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A finished arena run to annotate: three counselors over `cards` cards, 2 turns each, played
// against the test LLM server on a real database; the judge prefers alpha, then beta, then gamma.
// Its folder outlives single tests (a file's tests share one run); `remove` deletes it.

export async function finishedArena(cards = 3): Promise<{ ctx: AppContext; arenaId: number; dbPath: string; remove: () => void }> {
  const server = await startLlmServer({ models: ['test-model', 'alpha', 'beta', 'gamma', 'judge'] });
  server.respond(arenaPlay());
  const folder = mkdtempSync(join(tmpdir(), 'simpsy-annotation-'));
  const dbPath = join(folder, 'simpsy.db');
  const ctx = createAppContext({ dbPath });
  try {
    const endpoint = ctx.endpoints.create({ name: 'local', baseUrl: server.url, model: 'test-model' });
    for (const name of ['alpha', 'beta', 'gamma']) ctx.arena.counselors.create({ name, endpointId: endpoint.id, model: name });
    const ids = Array.from({ length: cards }, (_, i) => ctx.cards.create(makeCard({ chiefComplaint: `第${i + 1}位来访者：最近总是失眠，和父母关系紧张。` })).id);
    const created = ctx.arena.create({
      counselors: ['alpha', 'beta', 'gamma'],
      client: { endpointId: endpoint.id },
      judge: { endpointId: endpoint.id, model: 'judge' },
      cards: { ids },
      maxTurns: 2,
      concurrency: 2,
      retryBaseMs: 5,
      timeoutMs: 5_000,
    });
    await ctx.arena.execute(created.id);
    return { ctx, arenaId: created.id, dbPath, remove: () => rmSync(folder, { recursive: true, force: true }) };
  } finally {
    await server.close();
  }
}

/** The annotator at work: what they pick, from the replies as shown (they never see which counselor wrote which). */
export type Picker = (shown: { left: string; right: string; itemId: string }) => 'left' | 'right' | 'tie' | 'bothbad';

/** Prefers the reply whose text names the better counselor, as the judge does. */
export const likeTheJudge: Picker = ({ left, right }) => (rank(left) <= rank(right) ? 'left' : 'right');
/** Prefers the worse counselor, always. */
export const againstTheJudge: Picker = ({ left, right }) => (rank(left) <= rank(right) ? 'right' : 'left');
const rank = (reply: string) => ['alpha', 'beta', 'gamma'].findIndex((m) => reply.startsWith(`[${m}]`));

/** An annotator's verdicts and exported work file, made by the pure module as the app makes them. */
export function annotate(pkg: PackageFile, pick: Picker, revision = 1, count = pkg.items.length): WorkFile {
  const verdicts: WorkVerdict[] = pkg.items.slice(0, count).map((item, i) => ({
    itemId: item.itemId,
    choice: choiceOf(item, pick(item)),
    at: new Date(Date.UTC(2026, 10, 29, 22, 0, i)).toISOString(),
  }));
  return exportWork(pkg, verdicts, revision);
}
