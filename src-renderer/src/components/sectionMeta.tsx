import {
  AuditOutlined,
  CommentOutlined,
  ExperimentOutlined,
  FileTextOutlined,
  HighlightOutlined,
  IdcardOutlined,
  SettingOutlined,
  TrophyOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { Messages } from '../i18n';
import type { SectionKey } from '../stores/navigation';

/** One icon per section, shared by the side navigation and the empty states. */
export const sectionIcons: Record<SectionKey, ReactNode> = {
  roleCards: <IdcardOutlined />,
  simulations: <CommentOutlined />,
  dialogues: <FileTextOutlined />,
  evaluation: <AuditOutlined />,
  arena: <TrophyOutlined />,
  annotation: <HighlightOutlined />,
  fineTuning: <ExperimentOutlined />,
  settings: <SettingOutlined />,
};

/** The research workflow, in order: the side navigation groups sections by these steps. */
export const navGroups: { key: keyof Messages['navGroups']; sections: SectionKey[] }[] = [
  { key: 'prepare', sections: ['roleCards'] },
  { key: 'simulate', sections: ['simulations', 'dialogues'] },
  { key: 'assess', sections: ['evaluation', 'arena', 'annotation'] },
  { key: 'improve', sections: ['fineTuning'] },
];
