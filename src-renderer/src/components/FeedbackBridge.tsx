import { App } from 'antd';
import { useEffect } from 'react';
import { connectFeedback } from '../lib/feedback';

/** Lends antd's themed message/notification/modal instances to store actions (see lib/feedback). */
export function FeedbackBridge() {
  const { message, notification, modal } = App.useApp();
  useEffect(() => connectFeedback({ message, notification, modal }), [message, notification, modal]);
  return null;
}
