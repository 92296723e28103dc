import { Tabs } from 'antd';
import { useState } from 'react';
import { useT } from '../i18n';
import { AnnotatorView } from './annotation/AnnotatorView';
import { ResearcherView } from './annotation/ResearcherView';

// Annotation (issue 10, Must-have 5 and 7): the annotator's screen, which works offline from a
// package file alone, and the researcher's tab (packages, imports, agreement), which works on
// this app's database.

export function Annotation() {
  const t = useT().ann.tabs;
  const [tab, setTab] = useState<'annotate' | 'research'>('annotate');
  return (
    <Tabs
      activeKey={tab}
      onChange={(k) => setTab(k as 'annotate' | 'research')}
      destroyOnHidden
      style={{ height: '100%' }}
      items={[
        { key: 'annotate', label: <span data-testid="annotation-tab-annotate">{t.annotate}</span>, children: <div style={{ height: 'calc(100vh - 190px)', minHeight: 420 }}><AnnotatorView /></div> },
        { key: 'research', label: <span data-testid="annotation-tab-research">{t.research}</span>, children: <ResearcherView /> },
      ]}
    />
  );
}
