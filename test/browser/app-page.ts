import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';

// What the smoke test does to the renderer, by the data-testids the UI promises:
// nav-<section>, section-<section>, empty-<section>, empty-next-action, endpoints-add,
// endpoint-form, endpoint-form-save, key-source-<stored|env|none>, endpoint-row[data-name],
// endpoint-test, endpoint-test-result[data-endpoint][data-status][data-kind], endpoint-edit,
// endpoint-remove, endpoint-remove-confirm, key-status[data-key], saved-key,
// language-<zh|en|system>, about-db-path, about-version, section-title.

export const sections = [
  'role-cards',
  'simulations',
  'dialogues',
  'evaluation',
  'arena',
  'annotation',
  'fine-tuning',
  'settings',
] as const;
export type Section = (typeof sections)[number];

export const screenshotDir = resolve(__dirname, '../../test-results/screenshots');

export interface EndpointFields {
  name: string;
  baseUrl: string;
  model: string;
  keySource: 'stored' | 'env' | 'none';
  apiKey?: string;
  apiKeyEnv?: string;
  temperature?: number;
  maxTokens?: number;
  priceInputPerM?: number;
  priceOutputPerM?: number;
}

export class AppPage {
  constructor(readonly page: Page) {}

  byTestId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  /**
   * Clicks each label in the select `testId` opens (an option already chosen is taken off), then
   * closes it. `first` takes the first of several options holding the label; by default it must be the only one.
   */
  async pick(testId: string, labels: string[], which: 'only' | 'first' = 'only'): Promise<void> {
    await this.byTestId(testId).click();
    for (const label of labels) {
      const option = this.page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: label });
      await (which === 'first' ? option.first() : option).click();
    }
    await this.page.keyboard.press('Escape');
    await this.page.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
  }

  async goTo(section: Section): Promise<Locator> {
    await this.byTestId(`nav-${section}`).click();
    const view = this.byTestId(`section-${section}`);
    await view.waitFor();
    return view;
  }

  async sectionTitle(): Promise<string> {
    return (await this.byTestId('section-title').textContent()) ?? '';
  }

  /**
   * 1280×800 PNGs (or the whole page), with transitions fast-forwarded so nothing is caught
   * half-drawn, and without the passing "saved" toasts, which would hide the section header.
   */
  async screenshot(name: string, options: { fullPage?: boolean } = {}): Promise<string> {
    mkdirSync(screenshotDir, { recursive: true });
    const path = join(screenshotDir, `${name}.png`);
    await this.page.screenshot({
      path,
      animations: 'disabled',
      fullPage: options.fullPage ?? false,
      style: '.ant-message { display: none !important; }',
    });
    return path;
  }

  field(name: string): Locator {
    return this.page.locator(`#endpoint_${name}`);
  }

  /** The message antd shows under a form field (validation errors, then help text). */
  fieldHelp(name: string): Locator {
    return this.page.locator(`#endpoint_${name}_help`);
  }

  async openAddForm(): Promise<Locator> {
    await this.byTestId('endpoints-add').click();
    const form = this.byTestId('endpoint-form');
    await form.waitFor();
    return form;
  }

  async fillEndpoint(fields: EndpointFields): Promise<void> {
    await this.field('name').fill(fields.name);
    await this.field('baseUrl').fill(fields.baseUrl);
    await this.field('model').fill(fields.model);
    await this.byTestId(`key-source-${fields.keySource}`).click();
    if (fields.apiKey !== undefined) await this.field('apiKey').fill(fields.apiKey);
    if (fields.apiKeyEnv !== undefined) await this.field('apiKeyEnv').fill(fields.apiKeyEnv);
    for (const key of ['temperature', 'maxTokens', 'priceInputPerM', 'priceOutputPerM'] as const) {
      if (fields[key] !== undefined) await this.field(key).fill(String(fields[key]));
    }
  }

  async saveForm(): Promise<void> {
    await this.byTestId('endpoint-form-save').click();
  }

  async waitFormClosed(): Promise<void> {
    await this.byTestId('endpoint-form').waitFor({ state: 'detached' });
  }

  row(name: string): Locator {
    return this.page.locator(`[data-testid="endpoint-row"][data-name="${name}"]`);
  }

  testResult(name: string): Locator {
    return this.page.locator(`[data-testid="endpoint-test-result"][data-endpoint="${name}"]`);
  }

  async testConnection(name: string): Promise<Locator> {
    await this.row(name).getByTestId('endpoint-test').click();
    const result = this.testResult(name);
    await result.waitFor({ timeout: 20_000 });
    return result;
  }

  async chooseLanguage(choice: 'zh' | 'en' | 'system'): Promise<void> {
    await this.byTestId(`language-${choice}`).click();
  }

  /** Resolves once the section title reads `text`, i.e. the UI has re-rendered in a language. */
  async waitForTitle(text: string): Promise<void> {
    await this.page.locator('[data-testid="section-title"]', { hasText: text }).waitFor();
  }
}
