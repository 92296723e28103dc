import { z } from 'zod';
import type { CardDraftResult } from '../contract/card-assist';
import { acceptedLevelWords, ageRangeOf, levelOf, roleCardContentShape, traits, type CardLanguage } from '../contract/role-card';
import { DomainError } from '../common/errors';
import { CallFailed } from '../llm/attempts';
import { chat, type ChatAnswer } from '../llm/chat';
import { connectEndpoint, endpointTimeoutMs } from '../llm/client';
import type { ChatMessage } from '../llm/params';
import type { EndpointAccess } from './deps';
import { effectiveTemplate, type TemplateSource } from './prompt-store';

// AI drafting: from a chief complaint, the model drafts the card's eight other elements as
// JSON (the drafting template states the schema). One chat call (llm/chat.ts) per attempt,
// with the endpoint's defaults and `response_format: json_object`, and no retry of a failed
// call (a person is waiting); a server that refuses response_format (400) is asked once more
// without it, and not again. The answer is read leniently (snake_case or
// Chinese keys, a code fence around the JSON, a number for the age, a trait as
// { level, description } as older templates asked) and kept as the model wrote it. A card
// imported from a file may hold free text anywhere; a drafted card is held to what the
// template asks, because that is what makes it filterable: every element given, each trait
// and the resistance starting with a level word, an age that names an age. An unusable
// answer is sent back with its problems, up to MAX_DRAFT_ATTEMPTS answers in all.

export const MAX_DRAFT_ATTEMPTS = 3;

const { chiefComplaint: _complaint, ...elements } = roleCardContentShape;
const draftSchema = z.object(elements);
export type DraftedElements = CardDraftResult['draft'];

export function fillDraftingPrompt(template: string, chiefComplaint: string): string {
  return template.split('{chief_complaint}').join(chiefComplaint);
}

type Drafted = Exclude<keyof typeof elements, 'extras'>;
const aliases: Record<Drafted, string[]> = {
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

/** A trait or the resistance as one text; { level, description } is joined as written ("中高。渴望认可。"). */
function ratingText(raw: unknown, language: CardLanguage): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const { level, description } = raw as Record<string, unknown>;
  if (typeof level !== 'string') return raw;
  const rest = typeof description === 'string' ? description.trim() : '';
  return rest === '' ? level.trim() : `${level.trim()}${language === 'zh' ? '。' : '. '}${rest}`;
}

/** Reads a model's answer into the eight elements, or says what is wrong with it. */
export function readDraft(content: string, language: CardLanguage = 'zh'): { draft: DraftedElements } | { problems: string[] } {
  const found = jsonObjectIn(content);
  if (!found.value) return { problems: [found.problem!] };
  const raw = found.value;
  const candidate: Record<string, unknown> = {};
  for (const key of Object.keys(aliases) as Drafted[]) candidate[key] = pick(raw, aliases[key]);
  if (typeof candidate.age === 'number') candidate.age = language === 'zh' ? `${candidate.age}岁` : String(candidate.age);
  const bigFive = candidate.bigFive;
  if (bigFive && typeof bigFive === 'object' && !Array.isArray(bigFive)) {
    const b = bigFive as Record<string, unknown>;
    candidate.bigFive = Object.fromEntries(traits.map((t) => [t, ratingText(pick(b, [t, t[0]!.toUpperCase() + t.slice(1)]), language)]));
  }
  candidate.resistance = ratingText(candidate.resistance, language);
  const parsed = draftSchema.safeParse(candidate);
  if (!parsed.success) {
    return { problems: parsed.error.issues.map((i) => `${i.path.map(String).join('.') || 'answer'}: ${i.message}`) };
  }
  const draft = parsed.data as DraftedElements;
  const problems: Problems = [];
  for (const key of ['gender', 'age', 'education', 'occupation', 'maritalStatus', 'familyRelationships', 'resistance'] as const) {
    if (draft[key] === '') problems.push({ path: key, message: 'is missing or empty; fill it in' });
  }
  for (const t of traits) if (draft.bigFive[t] === '') problems.push({ path: `bigFive.${t}`, message: 'is missing or empty; fill it in' });
  if (draft.age !== '' && ageRangeOf(draft.age) === null) problems.push({ path: 'age', message: `'${draft.age.slice(0, 20)}' is not an age; write a number of years such as 20岁` });
  const needsLevel = (path: string, value: string) => {
    if (value !== '' && levelOf(value) === null) problems.push({ path, message: `must start with a level (${acceptedLevelWords}), then 。 and the description` });
  };
  for (const t of traits) needsLevel(`bigFive.${t}`, draft.bigFive[t]);
  needsLevel('resistance', draft.resistance);
  if (problems.length > 0) return { problems: problems.map((p) => `${p.path}: ${p.message}`) };
  return { draft: { ...draft, extras: [] } };
}

const feedback: Record<CardLanguage, (problems: string[]) => string> = {
  zh: (problems) =>
    `你上面的回答不能用作角色卡，问题如下：\n${problems.map((p) => `- ${p}`).join('\n')}\n请只输出修正后的完整 JSON 对象，键和结构与要求中的一致，不要输出其他文字。`,
  en: (problems) =>
    `Your answer above cannot be used as a role card:\n${problems.map((p) => `- ${p}`).join('\n')}\nOutput only the corrected, complete JSON object, with the keys and structure required above, and nothing else.`,
};

export async function draftCard(
  ctx: EndpointAccess & TemplateSource,
  input: { endpointId: number; chiefComplaint: string; language: CardLanguage },
): Promise<CardDraftResult> {
  const endpoint = ctx.endpoints.get(input.endpointId);
  const target = connectEndpoint(endpoint, ctx.secrets, ctx.env);
  const timeoutMs = endpointTimeoutMs(endpoint);
  const messages: ChatMessage[] = [
    { role: 'user', content: fillDraftingPrompt(effectiveTemplate(ctx, 'drafting', input.language), input.chiefComplaint) },
  ];
  let jsonMode = true;
  const started = performance.now();

  const ask = async (): Promise<ChatAnswer> => {
    try {
      return await chat(target, messages, { timeoutMs, overrides: jsonMode ? { responseFormat: 'json_object' } : {} });
    } catch (error) {
      if (!(error instanceof CallFailed)) throw error;
      if (!(jsonMode && error.failure.status === 400)) throw new DomainError('unavailable', `Drafting failed: ${error.failure.message}`, undefined, error.failure.said);
      // Not every OpenAI-compatible server knows response_format: ask again without it.
      jsonMode = false;
      return ask();
    }
  };

  let problems: string[] = [];
  for (let attempt = 1; attempt <= MAX_DRAFT_ATTEMPTS; attempt++) {
    const { text: content, finishReason } = await ask();
    const read = readDraft(content, input.language);
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
