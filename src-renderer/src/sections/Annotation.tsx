import { SectionEmpty } from '../components/SectionEmpty';
import { useT } from '../i18n';
import { selectEndpointCount, useEndpointsStore } from '../stores/endpoints';

/** Annotation: people label simulated dialogues. */
export function Annotation() {
  const t = useT();
  const s = t.sections.annotation;
  const hasEndpoints = useEndpointsStore(selectEndpointCount) > 0;
  return (
    <SectionEmpty
      section="annotation"
      title={s.emptyTitle}
      purpose={s.purpose}
      next={
        hasEndpoints
          ? { text: s.nextWithEndpoints, action: { label: t.empty.goSimulations, to: 'simulations' } }
          : { text: s.nextNoEndpoint, action: { label: t.empty.addEndpoint, to: 'settings' } }
      }
    />
  );
}
