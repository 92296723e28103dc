import { Menu, type MenuProps } from 'antd';
import { useT } from '../i18n';
import { navigationActions, sectionSlug, selectSection, useNavigationStore, type SectionKey } from '../stores/navigation';
import { navGroups, sectionIcons } from './sectionMeta';

type Items = NonNullable<MenuProps['items']>;

/** The workflow sections, grouped by step; Settings sits apart at the foot of the sider. */
export function SideNav({ part }: { part: 'workflow' | 'settings' }) {
  const t = useT();
  const section = useNavigationStore(selectSection);

  const item = (key: SectionKey) => ({
    key,
    icon: sectionIcons[key],
    // The span carries the test id: antd does not forward data-* props on menu items.
    label: <span data-testid={`nav-${sectionSlug(key)}`}>{t.sections[key].title}</span>,
  });

  const items: Items =
    part === 'workflow'
      ? navGroups.map((group) => ({
          type: 'group' as const,
          key: group.key,
          label: t.navGroups[group.key],
          children: group.sections.map(item),
        }))
      : [item('settings')];

  return (
    <Menu
      mode="inline"
      items={items}
      selectedKeys={[section]}
      onClick={({ key }) => navigationActions.go(key as SectionKey)}
      style={{ borderInlineEnd: 'none' }}
    />
  );
}
