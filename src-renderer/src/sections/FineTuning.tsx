import { Flex } from 'antd';
import { useEffect } from 'react';
import { DialogueWorkEmpty } from './DialogueWorkEmpty';
import { Connections } from './fine-tuning/Connections';
import { JobForm } from './fine-tuning/JobForm';
import { Jobs } from './fine-tuning/Jobs';
import { fineTuningActions, useFineTuningStore } from './fine-tuning/store';

// Fine-tuning (paper §5.1–5.2, issue 11): the connection panel. GPU servers over SSH, a
// training job built from runs and previewed before it is sent, and the jobs followed
// live (loss curve, output, cancel, results). Without dialogues to train on, the section
// says where they come from; servers can be set up meanwhile.

export function FineTuning() {
  const noRuns = useFineTuningStore((s) => s.status === 'ready' && s.runs.length === 0);
  const hasJobs = useFineTuningStore((s) => s.jobs.length > 0);
  useEffect(() => {
    void fineTuningActions.load();
    return fineTuningActions.subscribe();
  }, []);
  return (
    <Flex vertical gap={16} data-testid="fine-tuning">
      {noRuns && <DialogueWorkEmpty section="fineTuning" />}
      <Connections />
      {!noRuns && <JobForm />}
      {(!noRuns || hasJobs) && <Jobs />}
    </Flex>
  );
}
