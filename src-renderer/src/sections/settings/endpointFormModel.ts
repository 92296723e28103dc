import {
  endpointFields,
  type EndpointCreateInput,
  type EndpointUpdateInput,
  type EndpointView,
  type FieldIssue,
} from '@contract';
import type { Rule } from 'antd/es/form';
import type { z } from 'zod';
import type { Messages } from '../../i18n';

// Everything about the endpoint form that is not layout: its values, their validation
// (the contract's own zod schemas, with messages in the UI language) and the mapping to
// and from the create/update inputs.

export type KeySource = 'stored' | 'env' | 'none';
/** For an endpoint that already has a saved key: keep it, type a new one, or delete it. */
export type SavedKeyMode = 'keep' | 'replace' | 'clear';

export interface EndpointFormValues {
  name: string;
  baseUrl: string;
  model: string;
  keySource: KeySource;
  apiKey?: string;
  apiKeyEnv?: string;
  temperature?: number | null;
  topP?: number | null;
  maxTokens?: number | null;
  /** Seconds in the form (people think in seconds); milliseconds in the contract. */
  timeoutSeconds?: number | null;
  priceInputPerM?: number | null;
  priceOutputPerM?: number | null;
}

export type FormField = keyof EndpointFormValues;

export function initialValues(endpoint: EndpointView | null, canStoreSecrets: boolean): Partial<EndpointFormValues> {
  if (!endpoint) return { keySource: canStoreSecrets ? 'stored' : 'env' };
  return {
    name: endpoint.name,
    baseUrl: endpoint.baseUrl,
    model: endpoint.model,
    keySource: endpoint.hasApiKey ? 'stored' : endpoint.apiKeyEnv ? 'env' : 'none',
    apiKeyEnv: endpoint.apiKeyEnv ?? undefined,
    temperature: endpoint.temperature,
    topP: endpoint.topP,
    maxTokens: endpoint.maxTokens,
    timeoutSeconds: endpoint.timeoutMs === null ? null : endpoint.timeoutMs / 1000,
    priceInputPerM: endpoint.priceInputPerM,
    priceOutputPerM: endpoint.priceOutputPerM,
  };
}

const blankToUndefined = (v: number | null | undefined) => (v === null || v === undefined ? undefined : v);
const toMs = (seconds: number | null | undefined) => (seconds === null || seconds === undefined ? undefined : Math.round(seconds * 1000));

export function toCreateInput(v: EndpointFormValues): EndpointCreateInput {
  return {
    name: v.name,
    baseUrl: v.baseUrl,
    model: v.model,
    temperature: blankToUndefined(v.temperature),
    topP: blankToUndefined(v.topP),
    maxTokens: blankToUndefined(v.maxTokens),
    timeoutMs: toMs(v.timeoutSeconds),
    priceInputPerM: blankToUndefined(v.priceInputPerM),
    priceOutputPerM: blankToUndefined(v.priceOutputPerM),
    apiKey: v.keySource === 'stored' ? v.apiKey : undefined,
    apiKeyEnv: v.keySource === 'env' ? v.apiKeyEnv : undefined,
  };
}

/** Emptied fields become null so main clears them; a saved key goes only when asked to. */
export function toUpdateInput(v: EndpointFormValues, endpoint: EndpointView, keyMode: SavedKeyMode): EndpointUpdateInput {
  const sendsNewKey = v.keySource === 'stored' && (!endpoint.hasApiKey || keyMode === 'replace');
  // A saved key wins over an environment variable, so switching source must drop it.
  const dropsKey = endpoint.hasApiKey && (v.keySource !== 'stored' || keyMode === 'clear');
  return {
    id: endpoint.id,
    name: v.name,
    baseUrl: v.baseUrl,
    model: v.model,
    temperature: v.temperature ?? null,
    topP: v.topP ?? null,
    maxTokens: v.maxTokens ?? null,
    timeoutMs: toMs(v.timeoutSeconds) ?? null,
    priceInputPerM: v.priceInputPerM ?? null,
    priceOutputPerM: v.priceOutputPerM ?? null,
    apiKeyEnv: v.keySource === 'env' ? (v.apiKeyEnv ?? null) : null,
    apiKey: sendsNewKey ? v.apiKey : undefined,
    clearApiKey: dropsKey || undefined,
  };
}

/** An antd rule that runs a contract schema and words its failure in the UI language. */
function schemaRule(schema: z.ZodType, message: (issue: z.core.$ZodIssue) => string, optional = false): Rule {
  return {
    validator: async (_rule, value: unknown) => {
      if (optional && (value === null || value === undefined || value === '')) return;
      const parsed = schema.safeParse(value ?? '');
      if (!parsed.success) throw new Error(message(parsed.error.issues[0]!));
    },
  };
}

export function fieldRules(t: Messages['form']['errors']) {
  const range = (min: number, max: number) => () => t.range(min, max);
  return {
    name: [
      schemaRule(endpointFields.name, (issue) =>
        issue.code === 'too_small' || issue.code === 'invalid_type'
          ? t.nameRequired
          : issue.code === 'too_big'
            ? t.nameTooLong
            : t.nameFormat,
      ),
    ],
    baseUrl: [schemaRule(endpointFields.baseUrl, () => t.baseUrl)],
    model: [schemaRule(endpointFields.model, () => t.modelRequired)],
    temperature: [schemaRule(endpointFields.temperature, range(0, 2), true)],
    topP: [schemaRule(endpointFields.topP, () => t.topP, true)],
    maxTokens: [schemaRule(endpointFields.maxTokens, () => t.wholeRange(1, 1_000_000), true)],
    timeoutSeconds: [
      {
        validator: async (_rule: unknown, value: number | null | undefined) => {
          if (value === null || value === undefined) return;
          if (!endpointFields.timeoutMs.safeParse(toMs(value)).success) throw new Error(t.range(1, 600));
        },
      },
    ],
    priceInputPerM: [schemaRule(endpointFields.priceInputPerM, range(0, 100_000), true)],
    priceOutputPerM: [schemaRule(endpointFields.priceOutputPerM, range(0, 100_000), true)],
    apiKeyEnv: [
      schemaRule(endpointFields.apiKeyEnv.unwrap(), (issue) =>
        issue.code === 'invalid_format' ? t.envFormat : t.envRequired,
      ),
    ],
    apiKey: [{ required: true, whitespace: true, message: t.keyRequired }],
  } satisfies Partial<Record<FormField, Rule[]>>;
}

/** Contract paths that the form shows under another field. */
const pathToField: Record<string, FormField> = {
  timeoutMs: 'timeoutSeconds',
  clearApiKey: 'apiKey',
};

const formFields = new Set<string>([
  'name',
  'baseUrl',
  'model',
  'apiKey',
  'apiKeyEnv',
  'temperature',
  'topP',
  'maxTokens',
  'timeoutSeconds',
  'priceInputPerM',
  'priceOutputPerM',
] satisfies FormField[]);

/**
 * Splits main's field issues into those the form can show beside a field and the rest.
 * The one issue main words itself that we know in advance (a taken name) is translated.
 */
export function placeIssues(
  issues: FieldIssue[],
  code: string,
  t: Messages['form']['errors'],
): { fields: { name: FormField; errors: string[] }[]; unplaced: FieldIssue[] } {
  const byField = new Map<FormField, string[]>();
  const unplaced: FieldIssue[] = [];
  for (const issue of issues) {
    const field = (pathToField[issue.path] ?? issue.path) as FormField;
    if (!formFields.has(field)) {
      unplaced.push(issue);
      continue;
    }
    const message = code === 'conflict' && field === 'name' ? t.nameTaken : issue.message;
    byField.set(field, [...(byField.get(field) ?? []), message]);
  }
  return { fields: [...byField].map(([name, errors]) => ({ name, errors })), unplaced };
}
