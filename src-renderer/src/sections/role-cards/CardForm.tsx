import { RobotOutlined } from '@ant-design/icons';
import { COMPLAINT_MAX, levels, traits, type CardLanguage, type Level, type Split } from '@contract';
import { AutoComplete, Button, Col, ConfigProvider, Form, Input, InputNumber, Row, Segmented, Select, Typography } from 'antd';
import { memo, type ReactNode } from 'react';
import { useT, type Messages } from '../../i18n';
import { cardEditorActions, getValue, useCardEditorStore, validate, type FieldPath, type RatingKey, type TextField } from '../../stores/cardEditor';
import { useRoleCardsStore } from '../../stores/roleCards';
import { selectLocale, useSettingsStore } from '../../stores/settings';
import { palette } from '../../theme';
import { charCount, traitName } from './format';

// The nine elements of a card plus split, language and tags. Values live in the editor
// store (so undo, autosave and the preview all see the same draft); each problem is shown
// beside its field as soon as that field was edited, and everywhere after a save attempt.

const setValue = cardEditorActions.setValue;

/** The message for one field, if it should show now. */
function useFieldError(path: FieldPath): string | undefined {
  const t = useT().cards.validation;
  return useCardEditorStore((s) => {
    const server = s.serverErrors[path];
    if (server) return server;
    if (!s.touched[path] && !s.showAllErrors) return undefined;
    return validate(s.draft, t)[path];
  });
}

function useValue<T>(path: FieldPath): T {
  return useCardEditorStore((s) => getValue(s.draft, path) as T);
}

function Field({ path, label, extra, children }: { path: FieldPath; label: ReactNode; extra?: ReactNode; children: ReactNode }) {
  const error = useFieldError(path);
  return (
    <div data-testid={`field-${path}`} data-invalid={error ? 'true' : undefined}>
      <Form.Item label={label} validateStatus={error ? 'error' : undefined} help={error} extra={extra} style={{ marginBottom: 18 }}>
        {children}
      </Form.Item>
    </div>
  );
}

function Group({ title, help, extra, children, testId }: { title: string; help?: string; extra?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section style={{ marginBottom: 10 }} data-testid={testId}>
      <div style={{ display: 'flex', alignItems: 'baseline', justifyContent: 'space-between', gap: 12, marginBottom: help ? 2 : 12 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {extra}
      </div>
      {help && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 13, marginBottom: 12 }}>
          {help}
        </Typography.Paragraph>
      )}
      {children}
    </section>
  );
}

const TextInput = memo(function TextInput({ path, label, placeholder, max, options }: { path: TextField; label: string; placeholder: string; max: number; options?: string[] }) {
  const value = useValue<string>(path);
  const input = options ? (
    <AutoComplete
      value={value}
      options={options.map((o) => ({ value: o }))}
      onChange={(v) => setValue(path, v ?? '')}
      placeholder={placeholder}
      maxLength={max}
      data-testid={`input-${path}`}
      id={`card-${path}`}
    />
  ) : (
    <Input value={value} onChange={(e) => setValue(path, e.target.value)} placeholder={placeholder} maxLength={max} data-testid={`input-${path}`} id={`card-${path}`} />
  );
  return (
    <Field path={path} label={<label htmlFor={`card-${path}`}>{label}</label>}>
      {input}
    </Field>
  );
});

const LevelPicker = memo(function LevelPicker({ rating, label, placeholder }: { rating: RatingKey; label: string; placeholder: string }) {
  const t = useT().cards;
  const level = useValue<Level | null>(`${rating}.level`);
  const description = useValue<string>(`${rating}.description`);
  const levelError = useFieldError(`${rating}.level`);
  const descriptionError = useFieldError(`${rating}.description`);
  const error = levelError ?? descriptionError;
  return (
    <div data-testid={`field-${rating}`} data-invalid={error ? 'true' : undefined} style={{ marginBottom: 16 }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, flexWrap: 'wrap', marginBottom: 6 }}>
        <Typography.Text strong style={{ minWidth: 72 }}>
          {label}
        </Typography.Text>
        <Segmented<Level | ''>
          size="small"
          value={level ?? ''}
          onChange={(v) => v && setValue(`${rating}.level`, v)}
          options={levels.map((l) => ({ value: l, label: <span data-testid={`level-${rating}-${l}`}>{t.levelShort[l]}</span> }))}
          style={levelError ? { boxShadow: `0 0 0 1px #c0594e` } : undefined}
          aria-label={`${label} · ${t.fields.level}`}
        />
      </div>
      <Input.TextArea
        value={description}
        onChange={(e) => setValue(`${rating}.description`, e.target.value)}
        placeholder={placeholder}
        autoSize={{ minRows: 1, maxRows: 5 }}
        status={descriptionError ? 'error' : undefined}
        data-testid={`input-${rating}-description`}
      />
      {error && (
        <div className="ant-form-item-explain-error" style={{ color: '#c0594e', fontSize: 13, marginTop: 4 }} role="alert">
          {error}
        </div>
      )}
    </div>
  );
});

function Complaint({ onDraft, t }: { onDraft: () => void; t: Messages['cards'] }) {
  const value = useValue<string>('chiefComplaint');
  const n = charCount(value);
  return (
    <Group
      title={t.editor.sections.complaint}
      help={t.editor.sections.complaintHelp}
      testId="group-complaint"
      extra={
        <Button size="small" icon={<RobotOutlined />} onClick={onDraft} data-testid="draft-open">
          {t.editor.draftWithAi}
        </Button>
      }
    >
      <Field path="chiefComplaint" label={null}>
        <Input.TextArea
          value={value}
          onChange={(e) => setValue('chiefComplaint', e.target.value)}
          placeholder={t.placeholders.chiefComplaint}
          autoSize={{ minRows: 7, maxRows: 22 }}
          aria-label={t.fields.chiefComplaint}
          data-testid="input-chiefComplaint"
          style={{ fontSize: 14.5, lineHeight: 1.75 }}
        />
      </Field>
      <div
        style={{ marginTop: -12, marginBottom: 14, textAlign: 'end', fontSize: 12, color: n > COMPLAINT_MAX ? '#c0594e' : palette.textSecondary, fontVariantNumeric: 'tabular-nums' }}
        data-testid="complaint-count"
        data-count={n}
      >
        {t.editor.chars(n, COMPLAINT_MAX)}
      </div>
    </Group>
  );
}

function AgeInput({ label, placeholder, years }: { label: string; placeholder: string; years: string }) {
  const value = useValue<number | null>('age');
  return (
    <Field path="age" label={<label htmlFor="card-age">{label}</label>}>
      <InputNumber
        id="card-age"
        value={value}
        onChange={(v) => setValue('age', typeof v === 'number' ? v : null)}
        placeholder={placeholder}
        style={{ width: '100%' }}
        controls={false}
        suffix={years}
        data-testid="input-age"
      />
    </Field>
  );
}

function CardSettings({ t }: { t: Messages['cards'] }) {
  const split = useValue<Split>('split');
  const language = useValue<CardLanguage>('language');
  const tags = useValue<string[]>('tags');
  const source = useCardEditorStore((s) => s.draft.source);
  const known = useRoleCardsStore((s) => s.tags);
  return (
    <Group title={t.editor.sections.card} testId="group-card">
      <Row gutter={16}>
        <Col span={12}>
          <Field path="split" label={t.fields.split} extra={t.splitHelp[split]}>
            <Segmented<Split>
              value={split}
              onChange={(v) => setValue('split', v)}
              options={(['pool', 'test'] as Split[]).map((s) => ({ value: s, label: <span data-testid={`card-split-${s}`}>{t.splitLong[s]}</span> }))}
            />
          </Field>
        </Col>
        <Col span={12}>
          <Field path="language" label={t.fields.language} extra={t.fields.languageHelp}>
            <Segmented<CardLanguage>
              value={language}
              onChange={(v) => setValue('language', v)}
              options={(['zh', 'en'] as CardLanguage[]).map((l) => ({ value: l, label: <span data-testid={`card-language-${l}`}>{t.languageNames[l]}</span> }))}
            />
          </Field>
        </Col>
      </Row>
      <Field path="tags" label={t.fields.tags}>
        <Select<string[]>
          mode="tags"
          value={tags}
          onChange={(v) => setValue('tags', v)}
          tokenSeparators={[',', '，', ';', '；']}
          placeholder={t.placeholders.tags}
          options={known.map((k) => ({ value: k.tag, label: k.tag }))}
          data-testid="input-tags"
        />
      </Field>
      {source && source !== 'manual' && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t.editor.source}: <Typography.Text code style={{ fontSize: 12 }}>{source}</Typography.Text>
        </Typography.Text>
      )}
    </Group>
  );
}

export function CardForm({ onDraft }: { onDraft: () => void }) {
  const t = useT().cards;
  const locale = useSettingsStore(selectLocale);
  const f = t.fields;
  const p = t.placeholders;
  return (
    <Form layout="vertical" requiredMark={false} component="div" data-testid="card-form">
      <Complaint onDraft={onDraft} t={t} />
      <Group title={t.editor.sections.profile} testId="group-profile">
        <Row gutter={16}>
          <Col span={7}>
            <TextInput path="gender" label={f.gender} placeholder={p.gender} max={40} options={t.suggestions.gender} />
          </Col>
          <Col span={7}>
            <AgeInput label={f.age} placeholder={p.age} years={locale === 'zh' ? '岁' : ''} />
          </Col>
          <Col span={10}>
            <TextInput path="maritalStatus" label={f.maritalStatus} placeholder={p.maritalStatus} max={200} options={t.suggestions.maritalStatus} />
          </Col>
          <Col span={12}>
            <TextInput path="education" label={f.education} placeholder={p.education} max={200} />
          </Col>
          <Col span={12}>
            <TextInput path="occupation" label={f.occupation} placeholder={p.occupation} max={200} />
          </Col>
        </Row>
        <FamilyInput label={f.familyRelationships} placeholder={p.familyRelationships} />
      </Group>
      {/* The chosen level stands out: a counselor scans five of them at a glance. */}
      <ConfigProvider theme={{ components: { Segmented: { itemSelectedBg: palette.primary, itemSelectedColor: '#ffffff' } } }}>
        <Group title={t.editor.sections.bigFive} help={t.editor.sections.bigFiveHelp} testId="group-big-five">
          {traits.map((trait) => (
            <LevelPicker key={trait} rating={trait} label={traitName(trait, locale)} placeholder={t.editor.descriptionPlaceholder} />
          ))}
        </Group>
        <Group title={t.editor.sections.resistance} testId="group-resistance">
          <LevelPicker rating="resistance" label={f.level} placeholder={t.editor.resistancePlaceholder} />
        </Group>
      </ConfigProvider>
      <CardSettings t={t} />
    </Form>
  );
}

function FamilyInput({ label, placeholder }: { label: string; placeholder: string }) {
  const value = useValue<string>('familyRelationships');
  return (
    <Field path="familyRelationships" label={<label htmlFor="card-familyRelationships">{label}</label>}>
      <Input.TextArea
        id="card-familyRelationships"
        value={value}
        onChange={(e) => setValue('familyRelationships', e.target.value)}
        placeholder={placeholder}
        autoSize={{ minRows: 2, maxRows: 6 }}
        maxLength={4000}
        data-testid="input-familyRelationships"
      />
    </Field>
  );
}
