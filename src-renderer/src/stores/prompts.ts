import type { CardLanguage, PromptKind, PromptTemplate, Result } from '@contract';
import { create } from 'zustand';
import { currentMessages } from '../i18n';
import { call } from '../lib/call';
import { notifyError, notifySuccess } from '../lib/feedback';

// The editable prompt templates (client, counselor, drafting; one per language). The
// role-card editor edits the client template from its preview.

export interface PromptsState {
  templates: Partial<Record<`${PromptKind}.${CardLanguage}`, PromptTemplate>>;
  /** Bumped on every save, so previews built from a template render again. */
  version: number;
}

export const usePromptsStore = create<PromptsState>()(() => ({ templates: {}, version: 0 }));

export const promptsActions = {
  async load(kind: PromptKind, language: CardLanguage): Promise<PromptTemplate | null> {
    const result = await call(() => window.api.prompts.get({ kind, language }));
    if (!result.ok) {
      notifyError(currentMessages().cards.template.loadFailed, result.error);
      return null;
    }
    usePromptsStore.setState((s) => ({ templates: { ...s.templates, [`${kind}.${language}`]: result.value } }));
    return result.value;
  },

  /** `template: null` goes back to the shipped one. Refusals (a missing placeholder) come back for the editor to show. */
  async save(kind: PromptKind, language: CardLanguage, template: string | null): Promise<Result<PromptTemplate>> {
    const result = await call(() => window.api.prompts.set({ kind, language, template }));
    if (result.ok) {
      usePromptsStore.setState((s) => ({
        templates: { ...s.templates, [`${kind}.${language}`]: result.value },
        version: s.version + 1,
      }));
      notifySuccess(template === null ? currentMessages().cards.template.resetDone : currentMessages().cards.template.savedDone);
    }
    return result;
  },
};
