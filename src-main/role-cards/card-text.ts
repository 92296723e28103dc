import { traitLabels, traits, type CardLanguage, type ExtraAnchor, type ExtraField, type RoleCardContent } from '../contract/role-card';

// A card as text, in the paper's layout: the profile lines of `raw_role_card/<split>/N.txt`
// (the elements as `字段：值`, the Big Five as ` - 特质：…` lines under 大五人格), then
// `来访者的主诉问题：` and the complaint, as the released code assembles {role_card} for the
// client prompt (profile, a newline, the complaint line). English cards use English labels
// (Figure 8). Values are printed as written; the layout around them is fixed:
//  - an element left empty is left out (a label with nothing after it tells the agent nothing);
//  - later lines of a value are indented (two spaces, three under a trait) so they read back
//    as part of it; blank lines inside a value are not kept;
//  - a value that starts with a bullet ("- 母亲：…") starts on the line after its label;
//  - extra fields stand after the element they followed, as `标签：值` (an unlabelled one as
//    indented lines).
// paper.ts reads this layout back into the same values, so an export re-imports unchanged.

export interface CardLabels {
  gender: string;
  age: string;
  education: string;
  occupation: string;
  maritalStatus: string;
  familyRelationships: string;
  bigFive: string;
  resistance: string;
  chiefComplaint: string;
  colon: string;
}

export const cardLabels: Record<CardLanguage, CardLabels> = {
  zh: {
    gender: '性别',
    age: '年龄',
    education: '教育程度',
    occupation: '职业',
    maritalStatus: '婚恋情况',
    familyRelationships: '家庭关系',
    bigFive: '大五人格',
    resistance: '对心理咨询的阻抗程度',
    chiefComplaint: '来访者的主诉问题',
    colon: '：',
  },
  en: {
    gender: 'Gender',
    age: 'Age',
    education: 'Education',
    occupation: 'Occupation',
    maritalStatus: 'Marital status',
    familyRelationships: 'Family relationships',
    bigFive: 'Big Five personality traits',
    resistance: 'Resistance to psychological counseling',
    chiefComplaint: 'Chief complaint',
    colon: ': ',
  },
};

/** A list item: "- ", "• ", "1. ", "2、" … (what makes a value start on its own line). */
export const bulletMark = /^(?:[-–—•·*](?=\s|$)|[-–—•·](?=\S)|\d{1,2}[.、)](?=\s|\S))/u;

/** One element, or a labelled extra field: `label：value`, its later lines indented. */
function entry(label: string, value: string, colon: string, indent: string, more: string): string[] {
  const lines = value.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return [];
  if (bulletMark.test(lines[0]!)) return [`${indent}${label}${colon.trimEnd()}`, ...lines.map((l) => `${more}${l}`)];
  return [`${indent}${label}${colon}${lines[0]}`, ...lines.slice(1).map((l) => `${more}${l}`)];
}

function extrasAt(extras: ExtraField[], anchor: ExtraAnchor, colon: string): string[] {
  return extras
    .filter((e) => e.after === anchor)
    .flatMap((e) => {
      if (e.label !== '') return entry(e.label, e.value, colon, '', '  ');
      // Without a label, the lines are indented so none of them reads back as a field.
      return e.value.split('\n').map((l) => l.trim()).filter((l) => l !== '').map((l) => `  ${l}`);
    });
}

/** The profile: what the paper keeps in `raw_role_card/<split>/N.txt` (no trailing newline). */
export function profileText(card: Omit<RoleCardContent, 'chiefComplaint'>, language: CardLanguage): string {
  const l = cardLabels[language];
  const extras = card.extras ?? [];
  const element = (key: Exclude<ExtraAnchor, 'start' | 'bigFive'>, label: string, value: string) => [
    ...entry(label, value, l.colon, '', '  '),
    ...extrasAt(extras, key, l.colon),
  ];
  const traitLines = traits.flatMap((t) => [...entry(traitLabels[language][t], card.bigFive[t], l.colon, ' - ', '   '), ...extrasAt(extras, t, l.colon)]);
  const underHeading = extrasAt(extras, 'bigFive', l.colon);
  const bigFive =
    traits.some((t) => card.bigFive[t].trim() !== '') || underHeading.length > 0
      ? [`${l.bigFive}${l.colon.trimEnd()}`, ...underHeading, ...traitLines]
      : traitLines;
  return [
    ...extrasAt(extras, 'start', l.colon),
    ...element('gender', l.gender, card.gender),
    ...element('age', l.age, card.age),
    ...element('education', l.education, card.education),
    ...element('occupation', l.occupation, card.occupation),
    ...element('maritalStatus', l.maritalStatus, card.maritalStatus),
    ...element('familyRelationships', l.familyRelationships, card.familyRelationships),
    ...bigFive,
    ...element('resistance', l.resistance, card.resistance),
  ].join('\n');
}

/** The whole card as the client agent receives it in place of {role_card}. */
export function cardText(card: RoleCardContent, language: CardLanguage): string {
  const l = cardLabels[language];
  const profile = profileText(card, language);
  const complaint = card.chiefComplaint.trim() === '' ? '' : `${l.chiefComplaint}${l.colon}${card.chiefComplaint}`;
  return [profile, complaint].filter((part) => part !== '').join('\n');
}
