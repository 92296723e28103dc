import { PlusOutlined } from '@ant-design/icons';
import { Button, Skeleton, Tabs } from 'antd';
import { useEffect, useState } from 'react';
import { SectionEmpty } from '../../components/SectionEmpty';
import { useT } from '../../i18n';
import { arenaActions, selectArenaRuns, selectArenaStatus, selectCounselors, useArenaStore } from '../../stores/arena';
import { ArenaRuns } from './ArenaRuns';
import { AddCounselor, CounselorsPanel } from './CounselorsPanel';
import { HumanLive } from './HumanLive';

/**
 * The Arena once a model endpoint exists: arena runs (with their battles and ratings), the
 * counselors and the human live mode; before the first counselor, the section's empty state says what to do first.
 */
export function ArenaWorkspace() {
  const t = useT();
  const status = useArenaStore(selectArenaStatus);
  const counselors = useArenaStore(selectCounselors);
  const runs = useArenaStore(selectArenaRuns);
  const [adding, setAdding] = useState(false);
  useEffect(() => {
    const off = arenaActions.subscribe();
    void arenaActions.refresh();
    return off;
  }, []);
  if (status === 'idle' || status === 'loading') return <Skeleton active />;
  if (counselors.length === 0 && runs.length === 0) {
    const s = t.sections.arena;
    return (
      <>
        <SectionEmpty
          section="arena"
          title={s.emptyTitle}
          purpose={s.purpose}
          next={{ text: s.nextWithEndpoints, action: { label: t.empty.goRoleCards, to: 'roleCards' } }}
          actions={
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="counselor-add">
              {t.arena.counselors.add}
            </Button>
          }
        />
        <AddCounselor open={adding} onClose={() => setAdding(false)} />
      </>
    );
  }
  return (
    <Tabs
      defaultActiveKey={counselors.length < 2 ? 'counselors' : 'runs'}
      items={[
        { key: 'runs', label: <span data-testid="arena-tab-runs">{t.arena.tabs.runs}</span>, children: <ArenaRuns /> },
        { key: 'counselors', label: <span data-testid="arena-tab-counselors">{t.arena.tabs.counselors}</span>, children: <CounselorsPanel /> },
        // The human live mode (Figure 15): src-renderer/src/sections/arena/HumanLive.tsx.
        { key: 'humanLive', label: <span data-testid="arena-tab-human-live">{t.arena.tabs.humanLive}</span>, children: <HumanLive /> },
      ]}
    />
  );
}
