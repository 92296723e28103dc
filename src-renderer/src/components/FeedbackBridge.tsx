import { App } from 'antd';
import { useEffect } from 'react';
import { currentMessages } from '../i18n';
import { connectFeedback } from '../lib/feedback';

/** Lends antd's themed message/notification/modal instances to store actions (see lib/feedback). */
export function FeedbackBridge() {
  const { message, notification, modal } = App.useApp();
  useEffect(() => connectFeedback({ message, notification, modal, messages: currentMessages }), [message, notification, modal]);
  return null;
}
