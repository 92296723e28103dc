// Token usage and cost of one call. Prices are per million tokens, from the endpoint (the
// run snapshot keeps them, so a later price change does not rewrite old runs). Cached
// prompt tokens are reported where the API says (OpenAI: prompt_tokens_details.cached_tokens;
// DeepSeek: prompt_cache_hit_tokens) and are priced as input: endpoints carry no separate
// cache price.

export interface Usage {
  promptTokens: number | null;
  completionTokens: number | null;
  cachedTokens: number | null;
}

export const noUsage: Usage = { promptTokens: null, completionTokens: null, cachedTokens: null };

const count = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : null);

export function readUsage(raw: unknown): Usage {
  if (!raw || typeof raw !== 'object') return noUsage;
  const u = raw as Record<string, unknown>;
  const details = (u.prompt_tokens_details ?? null) as Record<string, unknown> | null;
  return {
    promptTokens: count(u.prompt_tokens),
    completionTokens: count(u.completion_tokens),
    cachedTokens: count(details?.cached_tokens) ?? count(u.prompt_cache_hit_tokens),
  };
}

export function costOf(usage: Usage, prices: { priceInputPerM: number | null; priceOutputPerM: number | null }): number {
  const input = (usage.promptTokens ?? 0) * (prices.priceInputPerM ?? 0);
  const output = (usage.completionTokens ?? 0) * (prices.priceOutputPerM ?? 0);
  return (input + output) / 1_000_000;
}

/** A rough token count before the call, for the tokens-per-minute bucket. */
export function estimateTokens(messages: readonly { content: string }[], maxTokens: number | null): number {
  let chars = 0;
  for (const m of messages) chars += m.content.length;
  return Math.ceil(chars * 0.75) + (maxTokens ?? 256);
}
