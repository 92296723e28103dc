import { SectionEmpty, type NextStep } from '../components/SectionEmpty';
import { useT } from '../i18n';
import { HumanLive } from './arena/HumanLive';
import { selectEndpointCount, useEndpointsStore } from '../stores/endpoints';

/** Arena: two counselor models against the same client, so it needs two endpoints. */
export function Arena() {
  const t = useT();
  const s = t.sections.arena;
  const count = useEndpointsStore(selectEndpointCount);
  const toSettings = { label: t.empty.addEndpoint, to: 'settings' } as const;
  const next: NextStep =
    count === 0
      ? { text: s.nextNoEndpoint, action: toSettings }
      : count === 1
        ? { text: s.nextOneEndpoint, action: toSettings }
        : { text: s.nextWithEndpoints, action: { label: t.empty.goRoleCards, to: 'roleCards' } };
  // The human live mode, until the Arena section gives it its tab.
  return (
    <>
      <SectionEmpty section="arena" title={s.emptyTitle} purpose={s.purpose} next={next} />
      <HumanLive />
    </>
  );
}
