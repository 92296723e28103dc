import { Layout } from 'antd';
import { useEffect } from 'react';
import { useT } from '../i18n';
import { sectionViews } from '../sections';
import { followChanges } from '../stores/changes';
import { endpointsActions } from '../stores/endpoints';
import { navigationActions, sectionSlug, selectSection, useNavigationStore } from '../stores/navigation';
import { palette } from '../theme';
import { Brand } from './Brand';
import { JobsIndicator } from './JobsIndicator';
import { SectionHeader } from './SectionHeader';
import { SideNav } from './SideNav';

const SIDER_WIDTH = 236;

/** Left sider (brand, workflow navigation, settings, background tasks) and the current section. */
export function AppShell() {
  const t = useT();
  const section = useNavigationStore(selectSection);
  const View = sectionViews[section];

  useEffect(() => {
    // Several empty states depend on whether a model endpoint exists, so load them up front.
    void endpointsActions.refresh();
    const stopFollowing = followChanges();
    const stopHash = navigationActions.followHash();
    return () => {
      stopFollowing();
      stopHash();
    };
  }, []);

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        width={SIDER_WIDTH}
        style={{
          position: 'fixed',
          insetBlock: 0,
          insetInlineStart: 0,
          borderInlineEnd: `1px solid ${palette.border}`,
          overflow: 'auto',
        }}
      >
        <nav style={{ display: 'flex', flexDirection: 'column', height: '100%' }} aria-label={t.app.name}>
          <Brand />
          <div style={{ flex: 1 }}>
            <SideNav part="workflow" />
          </div>
          <SideNav part="settings" />
          <JobsIndicator />
        </nav>
      </Layout.Sider>
      <Layout style={{ marginInlineStart: SIDER_WIDTH }}>
        <Layout.Content style={{ padding: '32px 40px 48px' }}>
          <main data-testid={`section-${sectionSlug(section)}`} style={{ maxWidth: 1200 }}>
            <SectionHeader title={t.sections[section].title} subtitle={t.sections[section].subtitle} />
            <View />
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
