import { traitLabels, traits, type CardLanguage, type Rating, type RoleCardContent } from '../contract/role-card';
import { levelLabel } from './levels';

// A card as text, in the paper's layout: the profile lines of `raw_role_card/<split>/N.txt`
// (8 fields, the Big Five as five ` - 特质：…` sub-lines), then `来访者的主诉问题：` and the
// complaint, exactly as the released code assembles {role_card} for the client prompt
// (profile, a newline, the complaint line). English cards use English labels (Figure 8).
// The paper's values are one line each; a value with line breaks continues on lines
// indented by two spaces.

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
  sentenceEnd: string;
  years: (age: number) => string;
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
    sentenceEnd: '。',
    years: (age) => `${age}岁`,
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
    sentenceEnd: '. ',
    years: (age) => String(age),
  },
};

/** "中等" alone, or "中等。来访者…" with the description after the level. */
export function ratingText(rating: Rating, language: CardLanguage): string {
  const level = levelLabel(rating.level, language);
  return rating.description ? `${level}${cardLabels[language].sentenceEnd}${rating.description}` : level;
}

/** The profile: what the paper keeps in `raw_role_card/<split>/N.txt` (no trailing newline). */
export function profileText(card: RoleCardContent, language: CardLanguage): string {
  const l = cardLabels[language];
  // Later lines of a multi-line value are indented, so they cannot be read as a new field.
  const line = (label: string, value: string) => `${label}${l.colon}${value.replace(/\n/g, '\n  ')}`;
  return [
    line(l.gender, card.gender),
    line(l.age, l.years(card.age)),
    line(l.education, card.education),
    line(l.occupation, card.occupation),
    line(l.maritalStatus, card.maritalStatus),
    line(l.familyRelationships, card.familyRelationships),
    `${l.bigFive}${l.colon.trimEnd()}`,
    ...traits.map((t) => ` - ${line(traitLabels[language][t], ratingText(card.bigFive[t], language))}`),
    line(l.resistance, ratingText(card.resistance, language)),
  ].join('\n');
}

/** The whole card as the client agent receives it in place of {role_card}. */
export function cardText(card: RoleCardContent, language: CardLanguage): string {
  const l = cardLabels[language];
  return `${profileText(card, language)}\n${l.chiefComplaint}${l.colon}${card.chiefComplaint}`;
}
