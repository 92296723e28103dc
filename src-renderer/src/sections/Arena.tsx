import { SectionEmpty } from '../components/SectionEmpty';
import { useT } from '../i18n';
import { selectEndpointCount, useEndpointsStore } from '../stores/endpoints';
import { ArenaWorkspace } from './arena/ArenaWorkspace';

/** Arena: counselors compete turn by turn for an AI client (Algorithm 2); one endpoint can back several counselors. */
export function Arena() {
  const t = useT();
  const s = t.sections.arena;
  const count = useEndpointsStore(selectEndpointCount);
  if (count === 0) return <SectionEmpty section="arena" title={s.emptyTitle} purpose={s.purpose} next={{ text: s.nextNoEndpoint, action: { label: t.empty.addEndpoint, to: 'settings' } }} />;
  return <ArenaWorkspace />;
}
