import type { ConnectionTest } from '@contract';
import { Alert } from 'antd';
import { useT } from '../../i18n';
import { apiErrorText } from '../../lib/error-text';

/** The outcome of "Test connection": latency and the model's reply, or the failure kind and its one line. */
export function TestResult({ name, result, onDismiss }: { name: string; result: ConnectionTest; onDismiss: () => void }) {
  const t = useT();
  return (
    <div data-testid="endpoint-test-result" data-endpoint={name} data-status={result.ok ? 'ok' : 'failed'} data-kind={result.ok ? undefined : result.kind}>
      <Alert
        type={result.ok ? 'success' : 'error'}
        showIcon
        title={result.ok ? t.endpoints.testOk(result.latencyMs) : t.endpoints.testFailed(t.endpoints.failures[result.kind])}
        description={result.ok ? t.endpoints.testReply(result.model, result.reply) : apiErrorText({ message: result.message, ...result.said }, t)}
        closable={{ onClose: onDismiss, 'aria-label': t.endpoints.dismiss }}
      />
    </div>
  );
}
