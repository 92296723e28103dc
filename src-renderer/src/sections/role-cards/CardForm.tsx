import { DeleteOutlined, DownOutlined, PlusOutlined, RobotOutlined } from '@ant-design/icons';
import { COMPLAINT_MAX, levels, traits, type CardLanguage, type ExtraAnchor, type Level, type Split, type Trait } from '@contract';
import { AutoComplete, Button, Col, Dropdown, Form, Input, Row, Segmented, Select, Tag, Tooltip, Typography } from 'antd';
import { memo, type ReactNode } from 'react';
import { useT, type Messages } from '../../i18n';
import { cardEditorActions, useCardEditorStore } from '../../stores/cardEditor';
import {
  ageSuggestions,
  extrasAt,
  getValue,
  levelSuggestions,
  readAge,
  readLevel,
  validate,
  withLevel,
  type FieldPath,
  type FormIssue,
  type RatedPath,
  type TextField,
} from '../../stores/cardForm';
import { useRoleCardsStore } from '../../stores/roleCards';
import { selectLocale, useSettingsStore } from '../../stores/settings';
import { palette } from '../../theme';
import { charCount, traitName } from './format';

// The nine elements of a card, its extra fields, and split, language and tags. Values live
// in the editor store (so undo, autosave and the preview all see the same draft). Every value
// is free text, as its author wrote it: the form shows what each reads as (a level, an age)
// in a small chip, and a gentle hint where it reads as nothing or is not given, never an
// error. Problems that keep a card from saving (a control character, too long, no complaint)
// show beside their field as soon as it was edited, and everywhere after a save attempt.

const setValue = cardEditorActions.setValue;
type CardsText = Messages['cards'];

function issueText(issue: FormIssue, t: CardsText['validation']): string {
  switch (issue.kind) {
    case 'required':
      return t.required;
    case 'tooLong':
      return t.tooLong(issue.max);
    case 'control':
      return t.control(issue.where);
    case 'labelColon':
      return t.labelColon;
    case 'tag':
      return t.tag(issue.tag);
    case 'tooManyTags':
      return t.tooManyTags;
    case 'tooManyExtras':
      return t.tooManyExtras(issue.max);
  }
}

/** The message for one field, if it should show now. */
function useFieldError(path: FieldPath): string | undefined {
  const t = useT().cards.validation;
  return useCardEditorStore((s) => {
    const server = s.serverErrors[path];
    if (server) return server;
    if (!s.touched[path] && !s.showAllErrors) return undefined;
    const issue = validate(s.draft)[path];
    return issue ? issueText(issue, t) : undefined;
  });
}

function useValue<T>(path: FieldPath): T {
  return useCardEditorStore((s) => getValue(s.draft, path) as T);
}

/** What a value reads as, or that it is not given: gentle, never an error. */
function Hint({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={testId}>
      {children}
    </Typography.Text>
  );
}

function Field({ path, label, extra, testId, children }: { path: FieldPath; label: ReactNode; extra?: ReactNode; testId?: string; children: ReactNode }) {
  const error = useFieldError(path);
  return (
    <div data-testid={`field-${testId ?? path}`} data-invalid={error ? 'true' : undefined}>
      <Form.Item label={label} validateStatus={error ? 'error' : undefined} help={error} extra={error ? undefined : extra} style={{ marginBottom: 18 }}>
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

const TextInput = memo(function TextInput({ path, label, placeholder, options }: { path: TextField; label: string; placeholder: string; options?: string[] }) {
  const t = useT().cards.editor.reading;
  const value = useValue<string>(path);
  const input = options ? (
    <AutoComplete
      value={value}
      options={options.map((o) => ({ value: o }))}
      onChange={(v) => setValue(path, v ?? '')}
      placeholder={placeholder}
      data-testid={`input-${path}`}
      id={`card-${path}`}
    />
  ) : (
    <Input value={value} onChange={(e) => setValue(path, e.target.value)} placeholder={placeholder} data-testid={`input-${path}`} id={`card-${path}`} />
  );
  return (
    <Field path={path} label={<label htmlFor={`card-${path}`}>{label}</label>} extra={value.trim() === '' ? <Hint testId={`hint-${path}`}>{t.notGiven}</Hint> : undefined}>
      {input}
    </Field>
  );
});

function AgeInput({ label, placeholder, language }: { label: string; placeholder: string; language: CardLanguage }) {
  const t = useT().cards.editor.reading;
  const value = useValue<string>('age');
  const reading = readAge(value);
  const extra =
    reading.kind === 'notGiven' ? (
      <Hint testId="hint-age">{t.notGiven}</Hint>
    ) : reading.kind === 'freeText' ? (
      <Hint testId="hint-age">{t.freeTextAge}</Hint>
    ) : (
      <Tag color="cyan" variant="filled" style={{ marginTop: 4 }} data-testid="reading-age" data-min={reading.range.min} data-max={reading.range.max}>
        {t.age(reading.range.min, reading.range.max)}
      </Tag>
    );
  return (
    <Field path="age" label={<label htmlFor="card-age">{label}</label>} extra={extra}>
      <AutoComplete
        id="card-age"
        value={value}
        options={ageSuggestions(value, language).map((o) => ({ value: o }))}
        onChange={(v) => setValue('age', v ?? '')}
        placeholder={placeholder}
        data-testid="input-age"
      />
    </Field>
  );
}

/** A trait or the resistance: one text as written, its level (if it starts with one) shown beside it. */
const RatedInput = memo(function RatedInput({ path, name, label, placeholder, language }: { path: RatedPath; name: string; label: string; placeholder: string; language: CardLanguage }) {
  const t = useT().cards;
  const value = useValue<string>(path);
  const error = useFieldError(path);
  const reading = readLevel(value);
  const options = levelSuggestions(value, language);
  const chip =
    reading.kind === 'level' ? (
      <Tag color="cyan" variant="filled" style={{ marginInlineEnd: 0 }} data-testid={`reading-${name}`} data-level={reading.level}>
        {t.levelShort[reading.level]}
      </Tag>
    ) : reading.kind === 'freeText' ? (
      <Tooltip title={t.editor.reading.freeTextLevel}>
        <Tag variant="outlined" style={{ marginInlineEnd: 0, color: palette.textSecondary, borderStyle: 'dashed' }} data-testid={`reading-${name}`} data-level="free">
          {t.editor.reading.freeText}
        </Tag>
      </Tooltip>
    ) : (
      <Hint testId={`reading-${name}`}>{t.editor.reading.notGiven}</Hint>
    );
  return (
    <div data-testid={`field-${name}`} data-invalid={error ? 'true' : undefined} style={{ marginBottom: 16 }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 10, flexWrap: 'wrap', marginBottom: 6 }}>
        <Typography.Text strong style={{ minWidth: 72 }}>
          <label htmlFor={`card-${name}`}>{label}</label>
        </Typography.Text>
        {chip}
        <span style={{ flex: 1 }} />
        <Dropdown
          trigger={['click']}
          menu={{
            items: levels.map((l: Level) => ({ key: l, label: <span data-testid={`level-option-${l}`}>{t.levelShort[l]}</span> })),
            onClick: ({ key }) => setValue(path, withLevel(value, key as Level, language)),
          }}
        >
          <Button size="small" type="text" data-testid={`set-level-${name}`} style={{ color: palette.textSecondary, fontSize: 12 }}>
            {t.editor.setLevel} <DownOutlined style={{ fontSize: 10 }} />
          </Button>
        </Dropdown>
      </div>
      {/* Suggests the five level words while the level is being typed; any text is accepted. */}
      <AutoComplete
        value={value}
        options={options.map((o) => ({ value: o, label: <span data-testid={`suggest-${name}-${o}`}>{o}</span> }))}
        onChange={(v) => setValue(path, v ?? '')}
        style={{ width: '100%' }}
      >
        <Input.TextArea
          id={`card-${name}`}
          placeholder={placeholder}
          autoSize={{ minRows: 1, maxRows: 6 }}
          status={error ? 'error' : undefined}
          data-testid={`input-${name}`}
        />
      </AutoComplete>
      {error && (
        <div className="ant-form-item-explain-error" style={{ color: '#c0594e', fontSize: 13, marginTop: 4 }} role="alert">
          {error}
        </div>
      )}
    </div>
  );
});

/** One extra field, editable in its place: its name and its value, as written. */
function ExtraInput({ index, t }: { index: number; t: CardsText }) {
  const label = useValue<string>(`extras.${index}.label`);
  const value = useValue<string>(`extras.${index}.value`);
  const labelError = useFieldError(`extras.${index}.label`);
  const valueError = useFieldError(`extras.${index}.value`);
  const error = labelError ?? valueError;
  return (
    <div data-testid="extra-field" data-index={index} data-invalid={error ? 'true' : undefined} style={{ marginBottom: 14, paddingInlineStart: 10, borderInlineStart: `2px solid ${palette.primarySoft}` }}>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', marginBottom: 6 }}>
        <Input
          size="small"
          value={label}
          onChange={(e) => setValue(`extras.${index}.label`, e.target.value)}
          placeholder={t.editor.extras.labelPlaceholder}
          aria-label={t.editor.extras.label}
          status={labelError ? 'error' : undefined}
          style={{ maxWidth: 220, fontWeight: 600 }}
          data-testid="extra-label"
        />
        <span style={{ flex: 1 }} />
        <Tooltip title={t.editor.extras.remove}>
          <Button size="small" type="text" icon={<DeleteOutlined />} aria-label={t.editor.extras.remove} onClick={() => cardEditorActions.removeExtra(index)} data-testid="extra-remove" />
        </Tooltip>
      </div>
      <Input.TextArea
        value={value}
        onChange={(e) => setValue(`extras.${index}.value`, e.target.value)}
        placeholder={t.editor.extras.valuePlaceholder}
        autoSize={{ minRows: 1, maxRows: 6 }}
        status={valueError ? 'error' : undefined}
        data-testid="extra-value"
      />
      {error && (
        <div className="ant-form-item-explain-error" style={{ color: '#c0594e', fontSize: 13, marginTop: 4 }} role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

/** The extra fields that stand after one element (or several: the short fields share a row). */
function Extras({ anchors, t }: { anchors: ExtraAnchor[]; t: CardsText }) {
  const indexes = useCardEditorStore((s) => anchors.flatMap((a) => extrasAt(s.draft, a).map((x) => x.index)).join(','));
  if (indexes === '') return null;
  return (
    <div data-testid={`extras-after-${anchors.join('-')}`}>
      {indexes.split(',').map((i) => (
        <ExtraInput key={i} index={Number(i)} t={t} />
      ))}
    </div>
  );
}

function AddExtra({ after, t }: { after: ExtraAnchor; t: CardsText }) {
  return (
    <Tooltip title={t.editor.extras.help}>
      <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => cardEditorActions.addExtra(after)} data-testid={`extra-add-${after}`} style={{ marginBottom: 16 }}>
        {t.editor.extras.add}
      </Button>
    </Tooltip>
  );
}

function Complaint({ onDraft, t }: { onDraft: () => void; t: CardsText }) {
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

function CardSettings({ t }: { t: CardsText }) {
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

function FamilyInput({ label, placeholder }: { label: string; placeholder: string }) {
  const t = useT().cards.editor.reading;
  const value = useValue<string>('familyRelationships');
  return (
    <Field
      path="familyRelationships"
      label={<label htmlFor="card-familyRelationships">{label}</label>}
      extra={value.trim() === '' ? <Hint testId="hint-familyRelationships">{t.notGiven}</Hint> : undefined}
    >
      <Input.TextArea
        id="card-familyRelationships"
        value={value}
        onChange={(e) => setValue('familyRelationships', e.target.value)}
        placeholder={placeholder}
        autoSize={{ minRows: 2, maxRows: 8 }}
        data-testid="input-familyRelationships"
      />
    </Field>
  );
}

export function CardForm({ onDraft }: { onDraft: () => void }) {
  const t = useT().cards;
  const locale = useSettingsStore(selectLocale);
  // Level words are offered in the card's own language: they become part of its text.
  const language = useValue<CardLanguage>('language');
  const f = t.fields;
  const p = t.placeholders;
  return (
    <Form layout="vertical" requiredMark={false} component="div" data-testid="card-form">
      <Complaint onDraft={onDraft} t={t} />
      <Group title={t.editor.sections.profile} testId="group-profile">
        <Extras anchors={['start']} t={t} />
        <Row gutter={16}>
          <Col span={7}>
            <TextInput path="gender" label={f.gender} placeholder={p.gender} options={t.suggestions.gender} />
          </Col>
          <Col span={7}>
            <AgeInput label={f.age} placeholder={p.age} language={language} />
          </Col>
          <Col span={10}>
            <TextInput path="maritalStatus" label={f.maritalStatus} placeholder={p.maritalStatus} options={t.suggestions.maritalStatus} />
          </Col>
          <Col span={12}>
            <TextInput path="education" label={f.education} placeholder={p.education} />
          </Col>
          <Col span={12}>
            <TextInput path="occupation" label={f.occupation} placeholder={p.occupation} />
          </Col>
        </Row>
        <Extras anchors={['gender', 'age', 'education', 'occupation', 'maritalStatus']} t={t} />
        <FamilyInput label={f.familyRelationships} placeholder={p.familyRelationships} />
        <Extras anchors={['familyRelationships']} t={t} />
        <AddExtra after="familyRelationships" t={t} />
      </Group>
      <Group title={t.editor.sections.bigFive} help={t.editor.sections.bigFiveHelp} testId="group-big-five">
        <Extras anchors={['bigFive']} t={t} />
        {traits.map((trait: Trait) => (
          <div key={trait}>
            <RatedInput path={`bigFive.${trait}`} name={trait} label={traitName(trait, locale)} placeholder={t.editor.descriptionPlaceholder} language={language} />
            <Extras anchors={[trait]} t={t} />
          </div>
        ))}
      </Group>
      <Group title={t.editor.sections.resistance} testId="group-resistance">
        <RatedInput path="resistance" name="resistance" label={f.level} placeholder={t.editor.resistancePlaceholder} language={language} />
        <Extras anchors={['resistance']} t={t} />
        <AddExtra after="resistance" t={t} />
      </Group>
      <CardSettings t={t} />
    </Form>
  );
}
