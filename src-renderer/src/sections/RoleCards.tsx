import { SectionEmpty } from '../components/SectionEmpty';
import { useT } from '../i18n';
import { selectEndpointCount, useEndpointsStore } from '../stores/endpoints';

/** Role cards: the simulated clients. Writing cards needs no model; trying them does. */
export function RoleCards() {
  const t = useT();
  const s = t.sections.roleCards;
  const hasEndpoints = useEndpointsStore(selectEndpointCount) > 0;
  return (
    <SectionEmpty
      section="roleCards"
      title={s.emptyTitle}
      purpose={s.purpose}
      next={
        hasEndpoints
          ? { text: s.nextWithEndpoints }
          : { text: s.nextNoEndpoint, action: { label: t.empty.addEndpoint, to: 'settings' } }
      }
    />
  );
}
