import { join } from 'node:path';
import type { CardLanguage } from '../contract/role-card';
import type { PromptKind, PromptTemplate } from '../contract/card-assist';
import { DomainError } from '../common/errors';
import { now } from '../common/time';
import type { Db } from '../storage/database';
import { clientTemplate, counselorTemplate, missingResource, readOptionalResource } from '../simulation/resources';

// The prompt templates in effect: the user's override (table prompt_overrides, migration 004)
// or else the shipped file in resources/prompts. Anything that sends a template to a model
// (the simulation, the trial chat, drafting) asks `effectiveTemplate`, so an override applies
// everywhere at once.

/** Where templates come from: an AppContext satisfies this. */
export interface TemplateSource {
  readonly db: Db;
  readonly resourcesDir: string;
}

/** What a template of each kind must keep; saving one without it is refused. */
export const requiredPlaceholders: Record<PromptKind, readonly string[]> = {
  client: ['{role_card}'],
  counselor: [],
  drafting: ['{chief_complaint}'],
};

const placeholderPurpose: Record<string, string> = {
  '{role_card}': 'where the role card goes',
  '{chief_complaint}': 'where the chief complaint goes',
};

/** As the shipped files are read: LF line ends, no trailing newline; inner text kept exactly. */
const normalize = (text: string) => text.replace(/\r\n?/g, '\n').replace(/\n+$/, '');

/** The shipped default (the counselor's is Figure 9 as printed, not the released variant). */
export function shippedTemplate(resourcesDir: string, kind: PromptKind, language: CardLanguage): string {
  if (kind === 'client') return clientTemplate(resourcesDir, language);
  if (kind === 'counselor') return counselorTemplate(resourcesDir, language, 'default');
  const relative = join('prompts', `drafting.${language}.txt`);
  const text = readOptionalResource(resourcesDir, relative);
  if (text === null) {
    throw missingResource(join(resourcesDir, relative));
  }
  return normalize(text);
}

function overrideOf(db: Db, kind: PromptKind, language: CardLanguage): string | null {
  const row = db.prepare('SELECT template FROM prompt_overrides WHERE kind = ? AND language = ?').get(kind, language) as
    | { template: string }
    | undefined;
  return row?.template ?? null;
}

/**
 * The template to use for `kind` in `language`: the user's override, else the shipped one.
 * The simulation calls this for the default client and counselor templates.
 */
export function effectiveTemplate(source: TemplateSource, kind: PromptKind, language: CardLanguage): string {
  return overrideOf(source.db, kind, language) ?? shippedTemplate(source.resourcesDir, kind, language);
}

export function getPrompt(source: TemplateSource, kind: PromptKind, language: CardLanguage): PromptTemplate {
  const shipped = shippedTemplate(source.resourcesDir, kind, language);
  const override = overrideOf(source.db, kind, language);
  return {
    kind,
    language,
    template: override ?? shipped,
    shipped,
    isOverride: override !== null,
    placeholders: [...requiredPlaceholders[kind]],
  };
}

/** Problems with a template someone wants to save, as field issues on `template`. */
export function templateProblems(kind: PromptKind, template: string): string[] {
  if (template.trim() === '') return ['A template cannot be empty; reset it to use the shipped one'];
  return requiredPlaceholders[kind]
    .filter((p) => !template.includes(p))
    .map((p) => `Keep ${p} in the template: it marks ${placeholderPurpose[p] ?? 'where the text goes'}`);
}

/**
 * Saves an override, or resets to the shipped file with `template: null`. Saving the shipped
 * text itself is a reset too, so the override does not pin an old default after an update.
 */
export function setPrompt(
  source: TemplateSource,
  input: { kind: PromptKind; language: CardLanguage; template: string | null },
): PromptTemplate {
  const { kind, language } = input;
  const shipped = shippedTemplate(source.resourcesDir, kind, language);
  const text = input.template === null ? null : normalize(input.template);
  if (text === null || text === shipped) {
    source.db.prepare('DELETE FROM prompt_overrides WHERE kind = ? AND language = ?').run(kind, language);
    return getPrompt(source, kind, language);
  }
  const problems = templateProblems(kind, text);
  if (problems.length > 0) {
    throw new DomainError(
      'validation',
      `The ${kind} template cannot be saved: ${problems.join('; ')}.`,
      problems.map((message) => ({ path: 'template', message })),
    );
  }
  source.db
    .prepare(
      `INSERT INTO prompt_overrides (kind, language, template, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (kind, language) DO UPDATE SET template = excluded.template, updated_at = excluded.updated_at`,
    )
    .run(kind, language, text, now());
  return getPrompt(source, kind, language);
}
