import { App } from 'antd';
import { useEffect } from 'react';
import { connectFeedback } from '../lib/feedback';

/** Lends antd's themed message/notification instances to store actions (see lib/feedback). */
export function FeedbackBridge() {
  const { message, notification } = App.useApp();
  useEffect(() => connectFeedback({ message, notification }), [message, notification]);
  return null;
}
