import { SectionEmpty } from '../components/SectionEmpty';
import { useT } from '../i18n';
import { selectEndpointCount, useEndpointsStore } from '../stores/endpoints';

type DialogueWork = 'evaluation' | 'annotation' | 'fineTuning';

/**
 * Evaluation (a judge model scores dialogues), annotation (people label them) and
 * fine-tuning (a counselor trains on them) all start from simulated dialogues, so until
 * there is a model endpoint they send the user to Settings, and then to Simulations.
 */
export function DialogueWorkEmpty({ section }: { section: DialogueWork }) {
  const t = useT();
  const s = t.sections[section];
  const hasEndpoints = useEndpointsStore(selectEndpointCount) > 0;
  return (
    <SectionEmpty
      section={section}
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

export const FineTuning = () => <DialogueWorkEmpty section="fineTuning" />;
