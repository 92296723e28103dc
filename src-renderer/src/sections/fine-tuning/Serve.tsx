import { CloudServerOutlined, PoweroffOutlined } from '@ant-design/icons';
import type { FineTuneJobView } from '@contract';
import { Alert, Button, Flex, Input, InputNumber, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useT } from '../../i18n';
import { fineTuningActions, useFineTuningStore } from './store';

// Serving a finished job's model back as an arena counselor (issue 11, Must-have 5;
// docs/ssh.md): name the counselor (and, if the default is unwanted, the server port), wait
// while the model loads (minutes for a 7B model, so the wait says what it is and how long it
// has been), then see the counselor ready for the Arena and stop it again.

/** Seconds since `since`, re-rendered every second while shown. */
function useElapsed(since: number | null): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (since === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);
  return since === null ? 0 : Math.max(0, Math.floor((now - since) / 1000));
}

export function ServePanel({ view }: { view: FineTuneJobView }) {
  const t = useT().ft.serve;
  const jobId = view.job.id;
  const serving = useFineTuningStore((s) => (s.serving?.jobId === jobId ? s.serving.since : null));
  const busyElsewhere = useFineTuningStore((s) => s.serving !== null && s.serving.jobId !== jobId);
  const unserving = useFineTuningStore((s) => s.unserving === jobId);
  const elapsed = useElapsed(serving);
  const served = view.served;
  // A model served before keeps its endpoint and counselor, so it can only come back under that name.
  const previous = served?.stoppedAt ? (served.counselorName ?? served.endpointName) : null;
  const [name, setName] = useState('');
  const [port, setPort] = useState<number | null>(null);

  if (served && !served.stoppedAt) {
    const counselor = served.counselorName ?? served.endpointName;
    return (
      <Alert
        type="success"
        showIcon
        icon={<CloudServerOutlined />}
        data-testid="ft-served"
        message={t.servedTitle(counselor)}
        description={
          <Flex vertical gap={4}>
            <span>{t.servedDetail(served.endpointName, served.model, served.remotePort)}</span>
            <span>{t.arenaReady}</span>
          </Flex>
        }
        action={
          <Button size="small" danger icon={<PoweroffOutlined />} loading={unserving} onClick={() => void fineTuningActions.unserve(jobId)} data-testid="ft-unserve">
            {t.unserve}
          </Button>
        }
      />
    );
  }

  if (serving !== null) {
    return (
      <Alert
        type="info"
        data-testid="ft-serving"
        message={
          <Flex gap={12} align="center">
            <Spin size="small" />
            <span>{t.loading(view.connection ?? '')}</span>
          </Flex>
        }
        description={t.loadingDetail(elapsed)}
      />
    );
  }

  return (
    <Flex vertical gap={8} data-testid="ft-serve">
      <Typography.Text strong>{t.title}</Typography.Text>
      <Typography.Text type="secondary">{previous ? t.servedBefore(previous) : t.hint}</Typography.Text>
      <Flex gap={8} wrap align="center">
        <Input
          style={{ width: 260 }}
          placeholder={t.namePlaceholder}
          value={previous ?? name}
          disabled={previous !== null}
          maxLength={80}
          onChange={(e) => setName(e.target.value)}
          aria-label={t.name}
          data-testid="ft-serve-name"
        />
        <InputNumber style={{ width: 160 }} min={1024} max={65535} precision={0} placeholder={t.portPlaceholder} value={port} onChange={(v) => setPort(v)} aria-label={t.port} data-testid="ft-serve-port" />
        <Button
          type="primary"
          icon={<CloudServerOutlined />}
          disabled={busyElsewhere || (previous === null && name.trim() === '')}
          onClick={() => void fineTuningActions.serve(jobId, previous === null ? name.trim() : undefined, port ?? undefined)}
          data-testid="ft-serve-button"
        >
          {previous ? t.serveAgain : t.serve}
        </Button>
      </Flex>
    </Flex>
  );
}
