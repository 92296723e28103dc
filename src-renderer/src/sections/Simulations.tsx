import { SectionEmpty } from '../components/SectionEmpty';
import { useT } from '../i18n';
import { selectEndpointCount, useEndpointsStore } from '../stores/endpoints';

/** Simulations: LLM client × LLM counselor sessions; they need a model, then a role card. */
export function Simulations() {
  const t = useT();
  const s = t.sections.simulations;
  const hasEndpoints = useEndpointsStore(selectEndpointCount) > 0;
  return (
    <SectionEmpty
      section="simulations"
      title={s.emptyTitle}
      purpose={s.purpose}
      next={
        hasEndpoints
          ? { text: s.nextWithEndpoints, action: { label: t.empty.goRoleCards, to: 'roleCards' } }
          : { text: s.nextNoEndpoint, action: { label: t.empty.addEndpoint, to: 'settings' } }
      }
    />
  );
}
