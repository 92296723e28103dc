import { Skeleton, Tabs } from 'antd';
import { useEffect } from 'react';
import { useT } from '../../i18n';
import { arenaActions, selectArenaStatus, useArenaStore } from '../../stores/arena';
import { ArenaRuns } from './ArenaRuns';
import { CounselorsPanel } from './CounselorsPanel';

/** The Arena once a model endpoint exists: arena runs (with their battles and ratings) and the counselors. */
export function ArenaWorkspace() {
  const t = useT().arena.tabs;
  const status = useArenaStore(selectArenaStatus);
  useEffect(() => {
    const off = arenaActions.subscribe();
    void arenaActions.refresh();
    return off;
  }, []);
  if (status === 'idle' || status === 'loading') return <Skeleton active />;
  return (
    <Tabs
      defaultActiveKey={useArenaStore.getState().counselors.length < 2 ? 'counselors' : 'runs'}
      items={[
        { key: 'runs', label: <span data-testid="arena-tab-runs">{t.runs}</span>, children: <ArenaRuns /> },
        { key: 'counselors', label: <span data-testid="arena-tab-counselors">{t.counselors}</span>, children: <CounselorsPanel /> },
      ]}
    />
  );
}
