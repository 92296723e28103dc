import { embedText, toBase64Float32 } from './embed';
import { sendFault, sendTruncatedJson } from './faults';
import { sendJson } from './http-util';
import { isFault, requireModel, type RouteContext } from './route-context';
import { countTokens } from './tokens';

function parseInput(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

export async function handleEmbeddings(ctx: RouteContext): Promise<void> {
  const model = await requireModel(ctx);
  if (model === undefined) return;
  const inputs = parseInput(ctx.body.input);
  if (!inputs) return ctx.fail(400, "Invalid 'input': expected a string or a non-empty array of strings.", 'invalid_type', 'input');
  const dim = ctx.body.dimensions ?? ctx.embeddingDim;
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1) {
    return ctx.fail(400, "Invalid 'dimensions': expected a positive integer.", 'invalid_value', 'dimensions');
  }
  const base64 = ctx.body.encoding_format === 'base64';

  const step = ctx.takeStep('embeddings');
  if (!(await ctx.wait(step?.delayMs))) return;
  if (step && isFault(step) && step.fault !== 'cut_stream') return sendFault(ctx.res, step, model, false);

  const tokens = inputs.reduce((sum, text) => sum + countTokens(text), 0);
  const response = {
    object: 'list',
    data: inputs.map((text, index) => {
      const vector = embedText(text, dim);
      return { object: 'embedding', index, embedding: base64 ? toBase64Float32(vector) : Array.from(vector) };
    }),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
  if (step && isFault(step)) return sendTruncatedJson(ctx.res, response);
  sendJson(ctx.res, 200, response);
}
