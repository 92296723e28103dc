import type { ApiError } from '@contract';
import type { MessageInstance } from 'antd/es/message/interface';
import type { HookAPI as ModalInstance } from 'antd/es/modal/useModal';
import type { NotificationInstance } from 'antd/es/notification/interface';
import type { Messages } from '../i18n/en';
import { apiErrorText } from './error-text';

// Store actions run outside React, but antd's message/notification/modal only pick up the
// theme and locale through <App>'s hooks. <FeedbackBridge> hands those instances over here,
// with the current dictionary (handed over, not imported: the settings store, which holds the
// language, reports its own failures here).

interface Feedback {
  message: MessageInstance;
  notification: NotificationInstance;
  modal: ModalInstance;
  messages: () => Messages;
}

let feedback: Feedback | null = null;

export function connectFeedback(next: Feedback): () => void {
  feedback = next;
  return () => {
    if (feedback === next) feedback = null;
  };
}

/** A failed request: a short title and main's detail on its own line, both in the UI language. */
export function notifyError(title: string, error: ApiError): void {
  if (!feedback) {
    // No window to show it in yet: main's English message, as in main's own logs.
    console.error(title, error.message);
    return;
  }
  const description = apiErrorText(error, feedback.messages());
  feedback.notification.error({ title, description, placement: 'bottomRight', duration: 8 });
}

export function notifySuccess(text: string): void {
  feedback?.message.success(text);
}

/** Asks the person to confirm something that replaces their data; false if they decline or close. */
export async function confirmDanger(options: { title: string; content: string; okText: string; cancelText: string }): Promise<boolean> {
  if (!feedback) return false;
  return await feedback.modal.confirm({ ...options, okButtonProps: { danger: true, ...({ 'data-testid': 'confirm-replace' } as object) } });
}
