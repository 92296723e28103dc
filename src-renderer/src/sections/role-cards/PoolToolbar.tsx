import {
  CopyOutlined,
  DownOutlined,
  ExportOutlined,
  FilterOutlined,
  ImportOutlined,
  PlusOutlined,
  RobotOutlined,
  SearchOutlined,
  SwapOutlined,
} from '@ant-design/icons';
import { genderKeys, levels, traits, type CardLanguage, type GenderKey, type Level, type Split, type Trait } from '@contract';
import { Badge, Button, Dropdown, Flex, Input, InputNumber, Popover, Segmented, Select, Space, Switch, Tag, Typography } from 'antd';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useT } from '../../i18n';
import { activeFilterCount, roleCardsActions, useRoleCardsStore, type PoolFilter, type SortChoice } from '../../stores/roleCards';
import { selectLocale, useSettingsStore } from '../../stores/settings';
import { palette } from '../../theme';
import { levelName, traitName } from './format';

type SortKey = 'newest' | 'oldest' | 'edited' | 'youngest' | 'oldestAge' | 'relevance';
const sorts: Record<SortKey, SortChoice> = {
  newest: { sort: 'id', order: 'desc' },
  oldest: { sort: 'id', order: 'asc' },
  edited: { sort: 'updatedAt', order: 'desc' },
  youngest: { sort: 'age', order: 'asc' },
  oldestAge: { sort: 'age', order: 'desc' },
  relevance: { sort: 'relevance', order: 'asc' },
};
const sortKeyOf = (s: SortChoice): SortKey =>
  (Object.entries(sorts).find(([, v]) => v.sort === s.sort && v.order === s.order)?.[0] as SortKey | undefined) ?? 'newest';

export interface PoolActions {
  onNew: () => void;
  onNewFromComplaint: () => void;
  onImport: () => void;
  onExport: () => void;
  onSplit: () => void;
  onDuplicates: () => void;
}

/** Search box that waits for a pause in typing (and for a Chinese input method to finish). */
function SearchBox() {
  const t = useT().cards;
  const query = useRoleCardsStore((s) => s.filter.query);
  const [value, setValue] = useState(query);
  const composing = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => setValue(query), [query]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const push = (next: string, delay = 250) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      if (next !== useRoleCardsStore.getState().filter.query) roleCardsActions.setFilter({ query: next });
    }, delay);
  };

  return (
    <Input
      allowClear
      prefix={<SearchOutlined style={{ color: palette.textSecondary }} />}
      placeholder={t.toolbar.search}
      value={value}
      maxLength={200}
      style={{ flex: '1 1 260px', minWidth: 200, maxWidth: 420 }}
      data-testid="card-search"
      onCompositionStart={() => (composing.current = true)}
      onCompositionEnd={(e) => {
        composing.current = false;
        push(e.currentTarget.value);
      }}
      onChange={(e) => {
        setValue(e.target.value);
        if (!composing.current) push(e.target.value, e.target.value === '' ? 0 : 250);
      }}
      onPressEnter={() => push(value, 0)}
    />
  );
}

function LevelSelect({ value, onChange, testId }: { value: Level[] | undefined; onChange: (v: Level[]) => void; testId?: string }) {
  const t = useT().cards;
  return (
    <Select<Level[]>
      mode="multiple"
      allowClear
      size="small"
      style={{ width: '100%' }}
      placeholder={t.filters.anyLevel}
      value={value ?? []}
      onChange={onChange}
      maxTagCount="responsive"
      options={levels.map((l) => ({ value: l, label: levelName(l, t) }))}
      data-testid={testId}
    />
  );
}

function FilterRow({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div style={{ display: 'grid', gridTemplateColumns: '110px 1fr', alignItems: 'center', gap: 12 }}>
      <Typography.Text type="secondary" style={{ fontSize: 13 }}>
        {label}
      </Typography.Text>
      <div style={{ minWidth: 0 }}>{children}</div>
    </div>
  );
}

/** Everything besides the text search and the split tabs. */
function FilterPanel({ onDone }: { onDone: () => void }) {
  const t = useT().cards;
  const locale = useSettingsStore(selectLocale);
  const filter = useRoleCardsStore((s) => s.filter);
  const tags = useRoleCardsStore((s) => s.tags);
  const set = (patch: Partial<PoolFilter>) => roleCardsActions.setFilter(patch);
  const [ageMin, setAgeMin] = useState<number | null>(filter.ageMin ?? null);
  const [ageMax, setAgeMax] = useState<number | null>(filter.ageMax ?? null);
  const ageBad = ageMin !== null && ageMax !== null && ageMin > ageMax;
  const applyAge = (min: number | null, max: number | null) => {
    if (min !== null && max !== null && min > max) return;
    if ((min ?? undefined) !== filter.ageMin || (max ?? undefined) !== filter.ageMax) set({ ageMin: min ?? undefined, ageMax: max ?? undefined });
  };

  return (
    <div style={{ width: 440, display: 'flex', flexDirection: 'column', gap: 12 }} data-testid="card-filters">
      <FilterRow label={t.filters.language}>
        <Segmented<CardLanguage | 'any'>
          size="small"
          value={filter.language ?? 'any'}
          onChange={(v) => set({ language: v === 'any' ? undefined : v })}
          options={[
            { value: 'any', label: t.filters.any },
            { value: 'zh', label: t.languageNames.zh },
            { value: 'en', label: t.languageNames.en },
          ]}
        />
      </FilterRow>
      <FilterRow label={t.filters.gender}>
        <Segmented<GenderKey | 'any'>
          size="small"
          value={filter.gender ?? 'any'}
          onChange={(v) => set({ gender: v === 'any' ? undefined : v })}
          options={[{ value: 'any', label: t.filters.any }, ...genderKeys.map((g) => ({ value: g, label: t.genderNames[g] }))]}
        />
      </FilterRow>
      <FilterRow label={t.filters.age}>
        <Flex align="center" gap={8}>
          <InputNumber
            size="small"
            min={0}
            max={200}
            precision={0}
            placeholder={t.filters.ageFrom}
            value={ageMin}
            status={ageBad ? 'error' : undefined}
            onChange={(v) => setAgeMin(v)}
            onBlur={() => applyAge(ageMin, ageMax)}
            onPressEnter={() => applyAge(ageMin, ageMax)}
            style={{ width: 90 }}
            data-testid="filter-age-min"
          />
          <span style={{ color: palette.textSecondary }}>–</span>
          <InputNumber
            size="small"
            min={0}
            max={200}
            precision={0}
            placeholder={t.filters.ageTo}
            value={ageMax}
            status={ageBad ? 'error' : undefined}
            onChange={(v) => setAgeMax(v)}
            onBlur={() => applyAge(ageMin, ageMax)}
            onPressEnter={() => applyAge(ageMin, ageMax)}
            style={{ width: 90 }}
            data-testid="filter-age-max"
          />
        </Flex>
        {ageBad && (
          <Typography.Text type="danger" style={{ fontSize: 12 }}>
            {t.filters.ageOrder}
          </Typography.Text>
        )}
      </FilterRow>
      <FilterRow label={t.filters.tags}>
        <Select<string[]>
          mode="multiple"
          allowClear
          size="small"
          style={{ width: '100%' }}
          placeholder={t.filters.tagsPlaceholder}
          value={filter.tags}
          onChange={(v) => set({ tags: v })}
          options={tags.map((tag) => ({ value: tag.tag, label: `${tag.tag} (${tag.count})` }))}
          data-testid="filter-tags"
        />
      </FilterRow>
      <Typography.Text strong style={{ fontSize: 13, marginTop: 4 }}>
        {t.filters.bigFive}
      </Typography.Text>
      {traits.map((trait: Trait) => (
        <FilterRow key={trait} label={traitName(trait, locale)}>
          <LevelSelect value={filter.traits[trait]} onChange={(v) => set({ traits: { ...filter.traits, [trait]: v } })} testId={`filter-${trait}`} />
        </FilterRow>
      ))}
      <FilterRow label={t.filters.resistance}>
        <LevelSelect value={filter.resistance} onChange={(v) => set({ resistance: v })} testId="filter-resistance" />
      </FilterRow>
      <Flex align="center" gap={10}>
        <Switch size="small" checked={filter.sameComplaint} onChange={(v) => set({ sameComplaint: v })} data-testid="filter-same-complaint" />
        <Typography.Text style={{ fontSize: 13 }}>{t.filters.sameComplaint}</Typography.Text>
      </Flex>
      <Flex justify="space-between" style={{ borderTop: `1px solid ${palette.border}`, paddingTop: 12 }}>
        <Button
          size="small"
          type="text"
          onClick={() => {
            setAgeMin(null);
            setAgeMax(null);
            roleCardsActions.clearFilters();
          }}
        >
          {t.filters.clear}
        </Button>
        <Button size="small" type="primary" onClick={onDone} data-testid="filters-done">
          {t.filters.done}
        </Button>
      </Flex>
    </div>
  );
}

/** The active filters as removable chips under the toolbar. */
export function FilterChips() {
  const t = useT().cards;
  const locale = useSettingsStore(selectLocale);
  const filter = useRoleCardsStore((s) => s.filter);
  const set = (patch: Partial<PoolFilter>) => roleCardsActions.setFilter(patch);
  if (activeFilterCount(filter) === 0) return null;
  const levelsText = (ls: Level[]) => ls.map((l) => levelName(l, t)).join(locale === 'zh' ? '、' : ', ');
  const chips: { key: string; label: string; clear: () => void }[] = [];
  if (filter.language) chips.push({ key: 'lang', label: t.languageNames[filter.language], clear: () => set({ language: undefined }) });
  if (filter.gender) chips.push({ key: 'gender', label: t.genderNames[filter.gender], clear: () => set({ gender: undefined }) });
  if (filter.ageMin !== undefined || filter.ageMax !== undefined) {
    chips.push({ key: 'age', label: t.filters.chipAge(filter.ageMin, filter.ageMax), clear: () => set({ ageMin: undefined, ageMax: undefined }) });
  }
  for (const tag of filter.tags) chips.push({ key: `tag-${tag}`, label: t.filters.chipTag(tag), clear: () => set({ tags: filter.tags.filter((x) => x !== tag) }) });
  for (const trait of traits) {
    const chosen = filter.traits[trait];
    if (chosen?.length) {
      chips.push({
        key: trait,
        label: t.filters.chipLevels(traitName(trait, locale), levelsText(chosen)),
        clear: () => set({ traits: { ...filter.traits, [trait]: [] } }),
      });
    }
  }
  if (filter.resistance.length) {
    chips.push({ key: 'res', label: t.filters.chipLevels(t.filters.resistance, levelsText(filter.resistance)), clear: () => set({ resistance: [] }) });
  }
  if (filter.sameComplaint) chips.push({ key: 'same', label: t.filters.chipSameComplaint, clear: () => set({ sameComplaint: false }) });
  return (
    <Flex wrap gap={6} align="center" data-testid="filter-chips">
      {chips.map((c) => (
        <Tag key={c.key} closable onClose={(e) => (e.preventDefault(), c.clear())} color="cyan" style={{ marginInlineEnd: 0 }}>
          {c.label}
        </Tag>
      ))}
      <Button size="small" type="link" onClick={() => roleCardsActions.clearFilters()} style={{ paddingInline: 4 }}>
        {t.toolbar.clearFilters}
      </Button>
    </Flex>
  );
}

export function PoolToolbar(props: PoolActions) {
  const t = useT().cards;
  const counts = useRoleCardsStore((s) => s.counts);
  const total = useRoleCardsStore((s) => s.total);
  const filter = useRoleCardsStore((s) => s.filter);
  const sort = useRoleCardsStore((s) => s.sort);
  const dupGroups = useRoleCardsStore((s) => s.duplicates.groups.length);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const nFilters = activeFilterCount(filter);
  const sortKey = sortKeyOf(sort);
  const sortOptions = (Object.keys(sorts) as SortKey[])
    .filter((k) => k !== 'relevance' || filter.query.trim())
    .map((k) => ({ value: k, label: t.sort[k] }));

  const splitOption = (value: Split | 'all', label: string, n: number | undefined) => ({
    value,
    label: (
      <span data-testid={`split-tab-${value}`}>
        {label}
        {n !== undefined && <span style={{ color: palette.textSecondary, marginInlineStart: 6, fontVariantNumeric: 'tabular-nums' }}>{n.toLocaleString()}</span>}
      </span>
    ),
  });

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" gap={12} wrap>
        <Typography.Text type="secondary" data-testid="card-count">
          {total !== null && counts ? t.toolbar.matching(total, counts.all) : '\u00a0'}
        </Typography.Text>
        <Flex gap={8} wrap>
          <Badge count={dupGroups} size="small" color="#c49536" offset={[-4, 2]}>
            <Button icon={<CopyOutlined />} onClick={props.onDuplicates} data-testid="cards-duplicates">
              {t.toolbar.duplicates}
            </Button>
          </Badge>
          <Button icon={<SwapOutlined />} onClick={props.onSplit} data-testid="cards-split">
            {t.toolbar.split}
          </Button>
          <Button icon={<ExportOutlined />} onClick={props.onExport} data-testid="cards-export">
            {t.toolbar.export}
          </Button>
          <Button icon={<ImportOutlined />} onClick={props.onImport} data-testid="cards-import">
            {t.toolbar.import}
          </Button>
          <Space.Compact>
            <Button type="primary" icon={<PlusOutlined />} onClick={props.onNew} data-testid="cards-new">
              {t.toolbar.newCard}
            </Button>
            <Dropdown
              placement="bottomRight"
              menu={{
                items: [
                  { key: 'blank', icon: <PlusOutlined />, label: t.toolbar.newBlank, onClick: props.onNew },
                  {
                    key: 'ai',
                    icon: <RobotOutlined />,
                    label: <span data-testid="cards-new-ai">{t.toolbar.newFromComplaint}</span>,
                    onClick: props.onNewFromComplaint,
                  },
                ],
              }}
            >
              <Button type="primary" icon={<DownOutlined />} aria-label={t.toolbar.newFromComplaint} data-testid="cards-new-more" />
            </Dropdown>
          </Space.Compact>
        </Flex>
      </Flex>
      <Flex gap={10} align="center" wrap>
        <SearchBox />
        <Segmented<Split | 'all'>
          value={filter.split ?? 'all'}
          onChange={(v) => roleCardsActions.setFilter({ split: v === 'all' ? undefined : v })}
          options={[
            splitOption('all', t.toolbar.all, counts?.all),
            splitOption('pool', t.splitNames.pool, counts?.pool),
            splitOption('test', t.splitNames.test, counts?.test),
          ]}
        />
        <Popover
          open={filtersOpen}
          onOpenChange={setFiltersOpen}
          trigger="click"
          placement="bottomLeft"
          title={t.filters.title}
          content={<FilterPanel onDone={() => setFiltersOpen(false)} />}
          destroyOnHidden
        >
          <Button icon={<FilterOutlined />} data-testid="cards-filters" type={nFilters ? 'primary' : 'default'} ghost={nFilters > 0}>
            {t.toolbar.filters}
            {nFilters > 0 && <span style={{ fontVariantNumeric: 'tabular-nums' }}> · {nFilters}</span>}
          </Button>
        </Popover>
        <span style={{ flex: 1 }} />
        <Select<SortKey>
          value={sortKey}
          onChange={(k) => roleCardsActions.setSort(sorts[k])}
          options={sortOptions}
          style={{ width: 150 }}
          aria-label={t.toolbar.sortLabel}
          data-testid="card-sort"
          popupMatchSelectWidth={false}
        />
      </Flex>
    </Flex>
  );
}
