import OpenAI from 'openai';
import { z } from 'zod';
import type { AppContext } from '../app/context';
import type { CardDraftResult } from '../contract/card-assist';
import { roleCardContentShape, traits, type CardLanguage } from '../contract/role-card';
import { DomainError } from '../common/errors';
import { createLlmClient, DEFAULT_TIMEOUT_MS, resolveApiKey } from '../llm/client';
import { classifyLlmError } from '../llm/failure';
import { acceptedLevelWords, parseLevel, parseRating } from '../role-cards/levels';
import { effectiveTemplate } from './prompt-store';

// AI drafting: from a chief complaint, the model drafts the card's eight other elements as
// JSON (the drafting template states the schema). One call per attempt, with the endpoint's
// defaults and `response_format: json_object`; a server that refuses response_format (400)
// is asked once more without it, and not again. The answer is read leniently (level words
// in either language, "25岁", snake_case keys, a code fence around the JSON) and then
// validated with the card schema; an unusable answer is sent back with its problems, up to
// MAX_DRAFT_ATTEMPTS answers in all.

export const MAX_DRAFT_ATTEMPTS = 3;

const { chiefComplaint: _complaint, ...elements } = roleCardContentShape;
const draftSchema = z.object(elements);
export type DraftedElements = CardDraftResult['draft'];

export function fillDraftingPrompt(template: string, chiefComplaint: string): string {
  return template.split('{chief_complaint}').join(chiefComplaint);
}

const aliases: Record<keyof typeof elements, string[]> = {
  gender: ['gender', 'sex', '性别'],
  age: ['age', '年龄'],
  education: ['education', '教育程度'],
  occupation: ['occupation', 'job', '职业'],
  maritalStatus: ['maritalStatus', 'marital_status', 'marital', '婚恋情况', '婚姻情况'],
  familyRelationships: ['familyRelationships', 'family_relationships', 'familyRelationship', 'family', '家庭关系'],
  bigFive: ['bigFive', 'big_five', 'bigfive', 'BigFive', 'personality', '大五人格'],
  resistance: ['resistance', 'resistanceLevel', 'resistance_level', '阻抗程度', '对心理咨询的阻抗程度'],
};

type Problems = { path: string; message: string }[];

/** The JSON object in an answer, allowing a code fence or words around it. */
function jsonObjectIn(content: string): { value?: Record<string, unknown>; problem?: string } {
  const start = content.indexOf('{');
  const end = content.lastIndexOf('}');
  if (start < 0 || end <= start) return { problem: content.trim() === '' ? 'The answer was empty' : 'The answer contains no JSON object' };
  let value: unknown;
  try {
    value = JSON.parse(content.slice(start, end + 1));
  } catch (error) {
    return { problem: `The answer is not valid JSON (${(error as Error).message.slice(0, 120)})` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { problem: 'The answer is not a JSON object' };
  return { value: value as Record<string, unknown> };
}

function pick(obj: Record<string, unknown>, names: string[]): unknown {
  for (const n of names) if (n in obj) return obj[n];
  return undefined;
}

/** A rating as { level, description } or as one text "中等偏高。描述"; level words mapped to keys. */
function readRating(raw: unknown, path: string, problems: Problems): unknown {
  if (typeof raw === 'string') {
    const parsed = parseRating(raw);
    if ('error' in parsed) {
      problems.push({ path, message: parsed.error });
      return undefined;
    }
    return parsed;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const r = raw as Record<string, unknown>;
  const word = r.level;
  let level: unknown = word;
  if (typeof word === 'string') {
    level = parseLevel(word);
    if (level === undefined) {
      problems.push({ path: `${path}.level`, message: `Unknown level '${word.slice(0, 20)}': use ${acceptedLevelWords}` });
      return undefined;
    }
  }
  return { level, description: typeof r.description === 'string' ? r.description : r.description ?? '' };
}

function readAge(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  const m = /^\s*(\d{1,3})\s*(岁|周岁|years?(\s+old)?)?\s*$/iu.exec(raw.normalize('NFKC'));
  return m ? Number(m[1]) : raw;
}

/** Reads a model's answer into the eight elements, or says what is wrong with it. */
export function readDraft(content: string): { draft: DraftedElements } | { problems: string[] } {
  const found = jsonObjectIn(content);
  if (!found.value) return { problems: [found.problem!] };
  const raw = found.value;
  const problems: Problems = [];
  const candidate: Record<string, unknown> = {};
  for (const key of Object.keys(aliases) as (keyof typeof aliases)[]) candidate[key] = pick(raw, aliases[key]);
  candidate.age = readAge(candidate.age);
  const bigFive = candidate.bigFive;
  if (bigFive && typeof bigFive === 'object' && !Array.isArray(bigFive)) {
    const b = bigFive as Record<string, unknown>;
    candidate.bigFive = Object.fromEntries(
      traits.map((t) => [t, readRating(pick(b, [t, t[0]!.toUpperCase() + t.slice(1)]), `bigFive.${t}`, problems)]),
    );
  }
  if (candidate.resistance !== undefined) candidate.resistance = readRating(candidate.resistance, 'resistance', problems);
  const parsed = draftSchema.safeParse(candidate);
  const reported = (path: string) => problems.some((p) => path === p.path || path.startsWith(`${p.path}.`) || p.path.startsWith(`${path}.`));
  if (parsed.success && problems.length === 0) return { draft: parsed.data as DraftedElements };
  const issues = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const all = [...problems, ...issues.filter((i) => !reported(i.path))];
  return { problems: all.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)) };
}

const feedback: Record<CardLanguage, (problems: string[]) => string> = {
  zh: (problems) =>
    `你上面的回答不能用作角色卡，问题如下：\n${problems.map((p) => `- ${p}`).join('\n')}\n请只输出修正后的完整 JSON 对象，键和结构与要求中的一致，不要输出其他文字。`,
  en: (problems) =>
    `Your answer above cannot be used as a role card:\n${problems.map((p) => `- ${p}`).join('\n')}\nOutput only the corrected, complete JSON object, with the keys and structure required above, and nothing else.`,
};

type Message = { role: 'user' | 'assistant'; content: string };

export async function draftCard(
  ctx: AppContext,
  input: { endpointId: number; chiefComplaint: string; language: CardLanguage },
): Promise<CardDraftResult> {
  const endpoint = ctx.endpoints.get(input.endpointId);
  const apiKey = resolveApiKey(endpoint, ctx.secrets, ctx.env);
  const timeoutMs = endpoint.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = createLlmClient(endpoint, apiKey, { timeoutMs });
  const target = { baseUrl: endpoint.baseUrl, model: endpoint.model, timeoutMs };
  const messages: Message[] = [
    { role: 'user', content: fillDraftingPrompt(effectiveTemplate(ctx, 'drafting', input.language), input.chiefComplaint) },
  ];
  let jsonMode = true;
  const started = performance.now();

  const ask = async (): Promise<{ content: string; finishReason: string | null }> => {
    const params = {
      model: endpoint.model,
      messages,
      stream: false as const,
      ...(endpoint.temperature !== null ? { temperature: endpoint.temperature } : {}),
      ...(endpoint.topP !== null ? { top_p: endpoint.topP } : {}),
      ...(endpoint.maxTokens !== null ? { max_tokens: endpoint.maxTokens } : {}),
    };
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await client.chat.completions.create(jsonMode ? { ...params, response_format: { type: 'json_object' } } : params);
    } catch (error) {
      if (!(jsonMode && error instanceof OpenAI.APIError && error.status === 400)) throw callFailed(error);
      // Not every OpenAI-compatible server knows response_format: ask again without it.
      jsonMode = false;
      try {
        completion = await client.chat.completions.create(params);
      } catch (again) {
        throw callFailed(again);
      }
    }
    const choice = completion.choices?.[0];
    const content = choice?.message?.content;
    return { content: typeof content === 'string' ? content : '', finishReason: choice?.finish_reason ?? null };
  };
  const callFailed = (error: unknown) => {
    const failure = classifyLlmError(error, target);
    return new DomainError('unavailable', `Drafting failed: ${failure.message}`, undefined, failure.said);
  };

  let problems: string[] = [];
  for (let attempt = 1; attempt <= MAX_DRAFT_ATTEMPTS; attempt++) {
    const { content, finishReason } = await ask();
    const read = readDraft(content);
    if ('draft' in read) return { draft: read.draft, attempts: attempt, latencyMs: Math.round(performance.now() - started) };
    problems = read.problems;
    if (finishReason === 'length') {
      problems = [`The answer was cut off at the endpoint's max tokens (${endpoint.maxTokens ?? 'server default'}); raise it`, ...problems];
    }
    messages.push({ role: 'assistant', content }, { role: 'user', content: feedback[input.language](problems) });
  }
  const shown = problems.slice(0, 8).join('; ') + (problems.length > 8 ? `; and ${problems.length - 8} more` : '');
  throw new DomainError(
    'unavailable',
    `The model did not draft a usable card in ${MAX_DRAFT_ATTEMPTS} attempts. Its last answer: ${shown}. Try again, or another model.`,
  );
}
