import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomFrom as random } from '../../src-main/common/random';

// Synthetic counseling sessions shaped like the paper's released `dialogue/N.json` files: they
// open with the client's 你好, alternate client and counselor, and end on a counselor turn.
// Lengths follow the released data (client about 54 characters, counselor about 71); a session
// has 4–9 counselor turns, about 13 messages, as in the figures (10,000 sessions,
// 130,000 messages). Texts are built from clauses written for this generator, with topic words
// drawn so that some are in most sessions (我, 觉得), some in a few (焦虑, 失眠) and some rare
// (a city, a number, an English term), so searches see realistic hit counts.
//
//   npx tsx test/bench/dialogue-corpus.ts --sessions 100000 --out /tmp/corpus [--seed 7] [--files 10]
// writes a folder of JSONL files (this app's paper export format) that `simpsy dialogues import`
// reads; the benchmarks call the functions directly.

export interface CorpusMessage {
  role: 'client' | 'counselor';
  content: string;
}

const troubles = [
  '焦虑', '失眠', '抑郁', '压力', '拖延', '自卑', '孤独', '紧张', '烦躁', '内耗', '迷茫', '恐惧', '愧疚', '委屈', '疲惫',
  '强迫', '社恐', '厌学', '暴食', '心慌', '噩梦', '胸闷', '头疼', '失落', '嫉妒', '自责', '不安', '麻木', '空虚', '崩溃',
];
const people = [
  '妈妈', '爸爸', '男朋友', '女朋友', '老公', '老婆', '室友', '同事', '领导', '老师', '同学', '孩子', '婆婆', '姐姐', '弟弟',
  '闺蜜', '前任', '导师', '客户', '邻居',
];
const places = ['北京', '上海', '深圳', '成都', '杭州', '武汉', '老家', '宿舍', '公司', '医院', '学校', '出租屋'];
const things = [
  '考研', '高考', '面试', '加班', '彩礼', '房贷', '离婚', '分手', '裁员', '转专业', '论文', '实习', '相亲', '装修', '买房',
  '二胎', '升职', '考公', '留学', '创业', '绩效', '体检', '搬家', '年终奖', '期末考试',
];
const english = ['KPI', 'PPT', 'CBT', 'emo', 'OK', 'offer', 'deadline', 'PUA', 'Python', 'MBTI'];

const clientClauses = [
  '我最近总是{t}', '晚上躺在床上就开始{t}', '一想到{x}就特别{t}', '{p}总是说我不够努力', '我和{p}因为{x}吵了一架',
  '我觉得自己什么都做不好', '其实我也不知道该怎么办', '有时候会莫名其妙地想哭', '在{l}的时候这种感觉最明显',
  '我已经连续好几周睡不好了', '白天上班的时候也提不起精神', '我不想让{p}担心', '说出来感觉轻松了一点', '我试过跑步和听音乐，但没什么用',
  '这件事已经困扰我快半年了', '我怕别人觉得我很矫情', '{p}不太理解我的感受', '我也想改变，可是总坚持不下来', '我今年{n}岁了，还一事无成',
  '每次{x}之前都会心跳加速', '最近{x}的事让我压力很大', '我不太会拒绝别人', '我总是把事情往坏处想', '一个人待在{l}的时候会觉得很{t}',
  '我记得小时候{p}经常批评我', '我其实很在意别人的看法', '上周又因为{x}失眠了', '我想试试你说的方法', '嗯，我明白你的意思',
  '对，就是这种感觉', '可能是因为我对自己要求太高了', '{p}说我太敏感了', '我有点担心自己是不是{t}症', '我在网上查了一些{e}的资料',
];
const counselorClauses = [
  '听起来你最近承受了很多', '能具体说说{x}的时候发生了什么吗', '这种{t}的感觉一般什么时候最强烈', '你愿意多讲一点和{p}的关系吗',
  '谢谢你愿意和我分享这些', '我能感受到这件事对你很重要', '当时你心里是怎么想的呢', '你觉得是什么让你这么{t}',
  '我们可以一起慢慢梳理一下', '你提到{p}总是批评你，这让你有什么感受', '这种情况持续多久了', '你平时会用什么方式让自己放松',
  '睡不着的时候你一般会做些什么', '如果用一到十分来打分，你现在的{t}大概是几分', '你已经很努力地在应对了', '我们先把注意力放在你能控制的部分',
  '你希望这次咨询能帮你解决什么问题', '听上去{x}给你带来了不小的压力', '你对自己的要求好像一直很高', '这些想法出现的时候，身体有什么反应吗',
  '也许可以试着把担心的事写下来', '你刚才说的这点很重要', '我们下次可以继续聊聊这个话题', '有没有哪一次你处理得还不错',
  '你觉得{p}知道你的这些感受吗', '在{l}的时候你会感觉好一些吗', '不用急着给自己下结论', '你可以试试{e}里常用的记录练习',
];
const closings = ['好的，今天我们先聊到这里，下次见。', '谢谢你的信任，期待下次再聊，加油！', '希望这些对你有帮助，保重。', '我们下次再继续，祝你一切顺利。'];

function pick<T>(r: () => number, list: readonly T[], skew = 1): T {
  // skew > 1 favours the head of the list: a few words common, a long tail rare.
  return list[Math.floor(Math.pow(r(), skew) * list.length)]!;
}

/** What one session is about: a session keeps to its client's few troubles, people and places. */
interface Topic {
  troubles: string[];
  people: string[];
  places: string[];
  things: string[];
  english: string[];
}

function topic(r: () => number): Topic {
  const some = <T>(list: readonly T[], skew: number, n: number) => Array.from({ length: n }, () => pick(r, list, skew));
  return {
    troubles: some(troubles, 2.5, 1 + Math.floor(r() * 2)),
    people: some(people, 1.8, 1 + Math.floor(r() * 2)),
    places: some(places, 1.5, 1),
    things: some(things, 2, 1 + Math.floor(r() * 2)),
    english: r() < 0.3 ? some(english, 1.5, 1) : [],
  };
}

function fill(template: string, r: () => number, t: Topic): string {
  return template
    .replace(/\{t\}/g, () => pick(r, t.troubles))
    .replace(/\{p\}/g, () => pick(r, t.people))
    .replace(/\{l\}/g, () => pick(r, t.places))
    .replace(/\{x\}/g, () => pick(r, t.things))
    .replace(/\{e\}/g, () => (t.english.length ? pick(r, t.english) : '心理学'))
    .replace(/\{n\}/g, () => String(16 + Math.floor(r() * 40)));
}

/** A target length around `mean` (a skewed spread like real replies), at least `min`. */
function length(r: () => number, mean: number, min: number, max: number): number {
  const spread = -Math.log(1 - r() * 0.999) * mean * 0.45 + mean * 0.55;
  return Math.max(min, Math.min(max, Math.round(spread)));
}

function utterance(r: () => number, role: 'client' | 'counselor', t: Topic): string {
  const clauses = role === 'client' ? clientClauses : counselorClauses;
  const target = role === 'client' ? length(r, 54, 6, 160) : length(r, 71, 12, 190);
  let text = '';
  let size = 0;
  while (size < target - 6) {
    const clause = fill(pick(r, clauses), r, t);
    const stop = role === 'counselor' && /吗|呢|什么|多久|几分/.test(clause) ? '？' : r() < 0.8 ? '，' : '。';
    text += clause + stop;
    size += clause.length + 1;
  }
  text = text.replace(/[，。]$/u, '。');
  // Imported client turns sometimes hold a line break (two messages joined).
  if (role === 'client' && r() < 0.03) text = text.replace('，', '\n');
  return text;
}

/** Session `i` of the corpus with this seed: the same every time. */
export function corpusSession(seed: number, i: number): CorpusMessage[] {
  const r = random(seed * 1_000_003 + i);
  const t = topic(r);
  const turns = 4 + Math.floor(r() * 6); // 4..9 counselor turns, 13 messages on average
  const messages: CorpusMessage[] = [{ role: 'client', content: '你好' }];
  for (let k = 1; k <= turns; k++) {
    messages.push({ role: 'counselor', content: k === turns ? `${utterance(r, 'counselor', t).slice(0, 120)}${pick(r, closings)}` : utterance(r, 'counselor', t) });
    if (k < turns) messages.push({ role: 'client', content: utterance(r, 'client', t) });
  }
  return messages;
}

export function corpus(n: number, seed = 7, from = 0): CorpusMessage[][] {
  return Array.from({ length: n }, (_, k) => corpusSession(seed, from + k));
}

/** JSONL in this app's paper export format, one session a line. */
export function corpusJsonl(sessions: CorpusMessage[][], firstId = 1): string {
  return sessions.map((messages, k) => JSON.stringify({ id: firstId + k, runId: null, cardId: null, externalId: null, endReason: 'imported', messages })).join('\n') + '\n';
}

/** Writes `sessions` sessions as `files` JSONL files in `dir`; returns the paths. */
export function writeCorpus(dir: string, sessions: number, options: { seed?: number; files?: number } = {}): string[] {
  const files = options.files ?? Math.max(1, Math.ceil(sessions / 10_000));
  const per = Math.ceil(sessions / files);
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (let f = 0; f * per < sessions; f++) {
    const n = Math.min(per, sessions - f * per);
    const path = join(dir, `${String(f + 1).padStart(3, '0')}.jsonl`);
    writeFileSync(path, corpusJsonl(corpus(n, options.seed ?? 7, f * per), f * per + 1));
    paths.push(path);
  }
  return paths;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(__filename)) {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1]! : fallback;
  };
  const sessions = Number(arg('sessions', '100000'));
  const out = resolve(arg('out', 'bench-corpus'));
  const paths = writeCorpus(out, sessions, { seed: Number(arg('seed', '7')), files: Number(arg('files', String(Math.ceil(sessions / 10_000)))) });
  process.stdout.write(`Wrote ${sessions} sessions in ${paths.length} files to ${out}\n`);
}
