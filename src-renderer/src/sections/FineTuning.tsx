import { SectionEmpty } from '../components/SectionEmpty';
import { useT } from '../i18n';
import { selectEndpointCount, useEndpointsStore } from '../stores/endpoints';

/** Fine-tuning: train a counselor on selected dialogues. */
export function FineTuning() {
  const t = useT();
  const s = t.sections.fineTuning;
  const hasEndpoints = useEndpointsStore(selectEndpointCount) > 0;
  return (
    <SectionEmpty
      section="fineTuning"
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
