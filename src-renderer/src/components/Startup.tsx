import { Button, Flex, Result, Spin } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { useT } from '../i18n';
import { apiErrorText } from '../lib/error-text';
import { settingsActions, useSettingsStore } from '../stores/settings';

/** Holds the UI until app info and settings are in, so the first screen has the right language. */
export function Startup({ children }: { children: ReactNode }) {
  const t = useT();
  const status = useSettingsStore((s) => s.status);
  const loadError = useSettingsStore((s) => s.loadError);

  useEffect(() => {
    if (useSettingsStore.getState().status === 'idle') void settingsActions.load();
  }, []);

  if (status === 'ready') return <>{children}</>;
  if (status === 'failed') {
    return (
      <Flex align="center" justify="center" style={{ minHeight: '100vh' }} data-testid="startup-error">
        <Result
          status="error"
          title={t.app.startFailed}
          subTitle={loadError && apiErrorText(loadError, t)}
          extra={
            <Button type="primary" onClick={() => void settingsActions.load()}>
              {t.app.retry}
            </Button>
          }
        />
      </Flex>
    );
  }
  return (
    <Flex align="center" justify="center" style={{ minHeight: '100vh' }} data-testid="startup-loading">
      <Spin size="large" description={t.app.loading} />
    </Flex>
  );
}
