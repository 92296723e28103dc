import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDecoder } from 'node:util';
import { randomFrom } from '../../src-main/common/random';
import { levelLabels, levels, traits, type Level, type RoleCardFields } from '../../src-main/contract/role-card';

/** The paper's released samples: `<repo>/../shared/fixtures/paper-format` (CI copies shared/ beside the clone). */
export const repoRoot = join(__dirname, '../..');
export const paperFixtures = join(repoRoot, '../shared/fixtures/paper-format');

/** A complete, valid card; tests override what they look at. */
export function makeCard(overrides: Partial<RoleCardFields> = {}): RoleCardFields {
  return {
    gender: '女',
    age: '20岁',
    education: '本科在读',
    occupation: '学生',
    maritalStatus: '单身',
    familyRelationships: '与母亲关系紧张，存在沟通问题。',
    bigFive: {
      openness: '中等偏低。对新想法的接受程度较低。',
      conscientiousness: '中等。有责任感，但存在拖延。',
      extraversion: '中等偏低',
      agreeableness: '中等偏高。渴望得到他人认可。',
      neuroticism: '高。焦虑、情绪波动。',
    },
    resistance: '中等。意识到问题，但存在一定的怀疑和抗拒。',
    extras: [],
    chiefComplaint: '20岁女，总是渴望他人认可，总是拖延，怎么办？前几天和我妈吵架，我觉得我没有错。',
    split: 'pool',
    language: 'zh',
    tags: [],
    source: 'test',
    ...overrides,
  };
}

// Deterministic synthetic cards for the repository tests and the benchmark, built from the
// sentences of the paper's 100 real complaints so that lengths, vocabulary and trigram
// statistics look like real data.
let sentencePool: string[] | undefined;
function realSentences(): string[] {
  if (!sentencePool) {
    const complaints = JSON.parse(readFileSync(join(paperFixtures, 'user_profiles/test.json'), 'utf8')) as string[];
    sentencePool = complaints.flatMap((c) => c.split(/(?<=[。！？?!])/u)).map((s) => s.trim()).filter((s) => s.length >= 4);
  }
  return sentencePool;
}
const occupations = ['学生', '教师', '程序员', '护士', '公务员', '销售', '自由职业', '会计'];
const families = ['与父母关系紧张，沟通困难。', '与丈夫关系总体紧密，偶有矛盾。', '父母离异，跟随母亲生活。', '家庭关系和睦，但不敢向家人倾诉。'];

/**
 * `complaintChars` draws each complaint's length from that range instead (PsyQA posts run from
 * a few hundred to a few thousand characters; the paper's test complaints are 300–430).
 */
export function syntheticCards(n: number, seed = 1, options: { complaintChars?: [number, number] } = {}): RoleCardFields[] {
  const r = randomFrom(seed);
  const sentences = realSentences();
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
  const text = (count: number) => Array.from({ length: count }, () => pick(sentences)).join('');
  const complaint = (): string => {
    if (!options.complaintChars) return text(8 + Math.floor(r() * 8));
    const [min, max] = options.complaintChars;
    const length = min + Math.floor(r() * (max - min));
    let out = '';
    while (out.length < length) out += pick(sentences);
    return out;
  };
  return Array.from({ length: n }, (_, i) => {
    const level = (): string => levelLabels.zh[pick<Level>(levels)];
    return makeCard({
      gender: r() < 0.7 ? '女性' : '男性',
      age: `${16 + Math.floor(r() * 45)}岁`,
      occupation: pick(occupations),
      familyRelationships: pick(families),
      bigFive: Object.fromEntries(traits.map((t) => [t, `${level()}。${text(1)}`])) as RoleCardFields['bigFive'],
      resistance: `${level()}。${text(1)}`,
      chiefComplaint: `（第${i}号）${complaint()}`,
      split: r() < 0.1 ? 'test' : 'pool',
      tags: r() < 0.2 ? ['重点'] : [],
      source: 'synthetic',
    });
  });
}

let gbTable: Map<string, number[]> | undefined;

/**
 * Encodes text as GB18030 the way Chinese Excel saves a CSV. Node can decode GB18030 but not
 * encode it, so the table is built by decoding every two-byte GBK code; ASCII passes through.
 */
export function encodeGb18030(text: string): Buffer {
  if (!gbTable) {
    gbTable = new Map();
    const decoder = new TextDecoder('gb18030');
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const ch = decoder.decode(Uint8Array.from([lead, trail]));
        if (ch.length === 1 && ch !== '\uFFFD' && !gbTable.has(ch)) gbTable.set(ch, [lead, trail]);
      }
    }
  }
  const bytes: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) bytes.push(ch.charCodeAt(0));
    else {
      const code = gbTable.get(ch);
      if (!code) throw new Error(`No two-byte GB18030 code for '${ch}' in this test encoder`);
      bytes.push(...code);
    }
  }
  return Buffer.from(bytes);
}

export function writeFile(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
