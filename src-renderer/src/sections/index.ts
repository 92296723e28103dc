import type { ComponentType } from 'react';
import type { SectionKey } from '../stores/navigation';
import { Arena } from './Arena';
import { Dialogues } from './Dialogues';
import { Annotation } from './Annotation';
import { FineTuning } from './DialogueWorkEmpty';
import { Evaluation } from './Evaluation';
import { RoleCards } from './RoleCards';
import { Settings } from './Settings';
import { Simulations } from './Simulations';

/** The body of each section; the shell adds the header. */
export const sectionViews: Record<SectionKey, ComponentType> = {
  roleCards: RoleCards,
  simulations: Simulations,
  dialogues: Dialogues,
  evaluation: Evaluation,
  arena: Arena,
  annotation: Annotation,
  fineTuning: FineTuning,
  settings: Settings,
};
