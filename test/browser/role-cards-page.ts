import type { Locator, Page } from 'playwright-core';
import { AppPage } from './app-page';

// What the role-card test does to the studio, by the data-testids the UI promises:
// card-pool, card-list, card-row[data-id], card-search, cards-new, cards-new-more, cards-new-ai,
// cards-import, cards-export, cards-split, empty-import-folder, import-* (dialog), export-*,
// split-*, card-editor[data-card-id], editor-*, save-status[data-status], field-<path>,
// input-<field>, reading-<trait|age>, set-level-<trait>, level-option-<level>, suggest-<trait>-<word>,
// extra-field, extra-add-<after>, extra-label, extra-value, tab-<preview|chat|history>, preview-*,
// history-*, draft-*, chat-*.

/** The page's document, typed for the few things the tests ask of it (tests compile without DOM types). */
interface DomElement {
  value?: string;
  textContent: string | null;
}
/** `(globalThis as unknown as Dom).document` inside page functions (which are sent to the page as source, so they cannot call helpers). */
export type Dom = { document: { querySelector(s: string): DomElement | null; querySelectorAll(s: string): ArrayLike<DomElement> } };

export type Level = 'low' | 'moderately_low' | 'moderate' | 'moderately_high' | 'high';

export type Rated = 'openness' | 'conscientiousness' | 'extraversion' | 'agreeableness' | 'neuroticism' | 'resistance';

export interface NewCard {
  chiefComplaint: string;
  gender: string;
  age: string;
  education: string;
  occupation: string;
  maritalStatus: string;
  familyRelationships: string;
  /** Each trait and the resistance as the counselor types it. */
  rated: Record<Rated, string>;
}

export class RoleCardsPage extends AppPage {
  constructor(page: Page) {
    super(page);
  }

  rows(): Locator {
    return this.byTestId('card-row');
  }

  cardRow(id: number): Locator {
    return this.page.locator(`[data-testid="card-row"][data-id="${id}"]`);
  }

  async rowIds(): Promise<number[]> {
    return (await this.rows().evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-id'))))) as number[];
  }

  async search(text: string): Promise<void> {
    await this.byTestId('card-search').fill(text);
  }

  /** Resolves once the list shows exactly `n` rows (it is short enough to have them all in view). */
  async waitForRowCount(n: number): Promise<void> {
    await this.page.waitForFunction((count) => (globalThis as unknown as Dom).document.querySelectorAll('[data-testid="card-row"]').length === count, n, { timeout: 10_000 });
  }

  editor(): Locator {
    return this.byTestId('card-editor');
  }

  input(field: string): Locator {
    return this.page.locator(`#card-${field}`);
  }

  textarea(testId: string): Locator {
    return this.byTestId(testId);
  }

  fieldError(path: string): Locator {
    return this.page.locator(`[data-testid="field-${path}"] .ant-form-item-explain-error`);
  }

  /** Picks a level from the trait's menu: the level phrase its text starts with is replaced. */
  async setLevel(rated: Rated, level: Level): Promise<void> {
    await this.byTestId(`set-level-${rated}`).click();
    await this.page.locator(`[data-testid="level-option-${level}"]:visible`).click();
  }

  /** What the chip beside a trait reads: a level key, 'free', or absent when not given. */
  async reading(rated: Rated): Promise<string | null> {
    return this.byTestId(`reading-${rated}`).getAttribute('data-level');
  }

  async fillCard(card: NewCard): Promise<void> {
    await this.textarea('input-chiefComplaint').fill(card.chiefComplaint);
    await this.input('gender').fill(card.gender);
    await this.page.keyboard.press('Escape');
    await this.input('age').fill(card.age);
    await this.page.keyboard.press('Escape');
    await this.input('maritalStatus').fill(card.maritalStatus);
    await this.page.keyboard.press('Escape');
    await this.input('education').fill(card.education);
    await this.input('occupation').fill(card.occupation);
    await this.input('familyRelationships').fill(card.familyRelationships);
    for (const [rated, text] of Object.entries(card.rated)) {
      await this.input(rated).fill(text);
      await this.page.keyboard.press('Escape');
    }
  }

  async saveStatus(): Promise<string> {
    return (await this.byTestId('save-status').getAttribute('data-status')) ?? '';
  }

  async waitForSaveStatus(status: string, timeout = 10_000): Promise<void> {
    await this.page.locator(`[data-testid="save-status"][data-status="${status}"]`).waitFor({ timeout });
  }

  async tab(name: 'preview' | 'chat' | 'history'): Promise<void> {
    await this.byTestId(`tab-${name}`).click();
  }

  async editorCardId(): Promise<number> {
    return Number(await this.editor().getAttribute('data-card-id'));
  }

  async backToList(): Promise<void> {
    await this.byTestId('editor-back').click();
    await this.byTestId('card-pool').waitFor();
  }
}
