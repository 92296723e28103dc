import { ExperimentOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Skeleton, Space } from 'antd';
import { useEffect, useState } from 'react';
import { SectionEmpty } from '../components/SectionEmpty';
import { useT } from '../i18n';
import { selectEndpointCount, useEndpointsStore } from '../stores/endpoints';
import { liveSessionsActions } from '../stores/liveSessions';
import { isLiveStatus, selectRunDetail, selectRuns, selectRunsStatus, simulationsActions, useSimulationsStore } from '../stores/simulations';
import { LiveView } from './simulations/LiveView';
import { RunDashboardCard } from './simulations/RunDashboard';
import { RunForm } from './simulations/RunForm';
import { RunsTable } from './simulations/RunsTable';

/** Simulations: the runs, a form to start one, and the dashboard and live view of the chosen run. */
export function Simulations() {
  const t = useT();
  const s = t.sections.simulations;
  const hasEndpoints = useEndpointsStore(selectEndpointCount) > 0;
  const runs = useSimulationsStore(selectRuns);
  const status = useSimulationsStore(selectRunsStatus);
  const detail = useSimulationsStore(selectRunDetail);
  const [formOpen, setFormOpen] = useState(false);

  useEffect(() => {
    const offLive = liveSessionsActions.subscribe();
    const offRuns = simulationsActions.subscribe();
    void simulationsActions.refresh().then(() => {
      const st = useSimulationsStore.getState();
      // Open the newest run (a running one first) when nothing is chosen yet.
      if (st.selectedId === null && st.runs.length > 0) void simulationsActions.select((st.runs.find((r) => isLiveStatus(r.status)) ?? st.runs[0]!).id);
      else if (st.selectedId !== null) void simulationsActions.loadDetail();
    });
    return () => {
      offLive();
      offRuns();
    };
  }, []);

  if ((status === 'idle' || status === 'loading') && runs.length === 0) return <Skeleton active />;

  const newRun = (
    <Button type="primary" icon={<PlusOutlined />} disabled={!hasEndpoints} onClick={() => setFormOpen(true)} data-testid="run-new">
      {t.sim.newRun}
    </Button>
  );

  return (
    <>
      {runs.length === 0 ? (
        <SectionEmpty
          section="simulations"
          title={s.emptyTitle}
          purpose={s.purpose}
          next={
            hasEndpoints
              ? { text: s.nextWithEndpoints, action: { label: t.empty.goRoleCards, to: 'roleCards' } }
              : { text: s.nextNoEndpoint, action: { label: t.empty.addEndpoint, to: 'settings' } }
          }
          extra={hasEndpoints ? <div style={{ marginTop: 20 }}>{newRun}</div> : undefined}
        />
      ) : (
        <Flex vertical gap={20}>
          <Card
            data-testid="runs-card"
            title={
              <Space>
                <ExperimentOutlined />
                {t.sim.runs}
              </Space>
            }
            extra={newRun}
            styles={{ body: { padding: '8px 16px 12px' } }}
          >
            <RunsTable />
          </Card>
          {detail && <RunDashboardCard run={detail} />}
          {detail && <LiveView key={detail.id} runId={detail.id} live={isLiveStatus(detail.dashboard.status)} />}
        </Flex>
      )}
      <RunForm open={formOpen} onClose={() => setFormOpen(false)} />
    </>
  );
}
