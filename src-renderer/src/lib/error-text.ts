import type { ApiError } from '@contract';
import type { Messages } from '../i18n/en';

type Sentence = (params: Record<string, string | number | null>) => string;

/**
 * An error from main in the UI's language: its key's sentence with its params, or main's
 * English message when it has no key (or one this window does not know).
 */
export function apiErrorText(error: Pick<ApiError, 'message' | 'key' | 'params'>, t: Pick<Messages, 'apiErrors'>): string {
  const sentence = error.key ? (t.apiErrors as unknown as Record<string, Sentence | undefined>)[error.key] : undefined;
  if (!sentence) return error.message;
  try {
    return sentence(error.params ?? {});
  } catch {
    return error.message; // params not as this window expects: main's sentence is still right
  }
}
