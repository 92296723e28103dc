import { describe, expect, it } from 'vitest';
import { readScore } from '../../../src-main/evaluation/judge/score-reply';
import { readTopics } from '../../../src-main/evaluation/judge/topic-reply';

// Judge replies in the forms real models write them (Qwen, DeepSeek, GPT-4o, Llama styles):
// the score or topics read, or the reason it is not a reading. Nothing unreadable becomes a number.

describe('WAI score replies', () => {
  const scored: [string, number][] = [
    ['6', 6],
    ['6.', 6],
    [' 7\n', 7],
    ['Score: 6', 6],
    ['score:5', 5],
    ['**Score: 4**', 4],
    ['My score is 3.', 3],
    ['I would rate this a 5 out of 7.', 5],
    ['Rating: 6/7', 6],
    ['6/7', 6],
    ['Final score: 2', 2],
    ['The client mentions 3 goals and agrees on 2 of them, which suggests partial agreement.\n\nScore: 5', 5],
    ['On a scale of 1 to 7, I give it 6 points. Score: 6', 6],
    ['我的评分是6分', 6],
    ['我的评分是 6 分。', 6],
    ['评分：5', 5],
    ['评分为七分', 7],
    ['得分：4分', 4],
    ['６', 6],
    ['根据评分指南（1-7分），来访者在对话中多次表达了对咨询师的信任，双方关系融洽。\n\n评分：6', 6],
    ['来访者说自己失眠了3个月，但咨询师的步骤得到认可。我给6分。', 6],
    ['按照1到7分的标准，打5分', 5],
    ['满分7分，我打6分。', 6],
    ['```\n4\n```', 4],
    ['Score: 6\n\nReasoning: the client and counselor agree on the goals. Score: 6', 6],
    ['六分', 6],
  ];
  it.each(scored)('reads %j as %i', (reply, score) => {
    expect(readScore(reply)).toEqual({ ok: true, score });
  });

  const unread: [string, string][] = [
    ['', 'no_score'],
    ['The counselor is empathetic and the client opens up.', 'no_score'],
    ['我无法根据这段对话给出评分。', 'no_score'],
    ['Score: 5 or 6', 'ambiguous'],
    ['评分：5分或6分', 'ambiguous'],
    ['I would give 5. Actually, Score: 6', 'ambiguous'],
    ['The client said 3 things and 4 others.', 'ambiguous'],
    ['Score: 8', 'out_of_range'],
    ['Score: 0', 'out_of_range'],
    ['评分：10分', 'out_of_range'],
    ['Score: 5.5', 'out_of_range'],
    ['42', 'out_of_range'],
  ];
  it.each(unread)('does not read %j (%s)', (reply, problem) => {
    const r = readScore(reply);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toBe(problem);
  });
});

describe('topic replies', () => {
  const zh = ['焦虑', '睡眠问题', '家庭冲突', '恋爱关系', '工作压力'];
  const en = ['Anxiety', 'Sleep problems', 'Family conflict', 'Parent-child relationship'];
  const cases: [string, string, readonly string[], string[], string[]][] = [
    ['a JSON array', '["焦虑", "睡眠问题"]', zh, ['焦虑', '睡眠问题'], []],
    ['a fenced JSON array', '```json\n["焦虑", "家庭冲突"]\n```', zh, ['焦虑', '家庭冲突'], []],
    ['Chinese quotes', '[“焦虑”, “睡眠问题”]', zh, ['焦虑', '睡眠问题'], []],
    ['an object with topics', '{"topics": ["Anxiety", "sleep problems"]}', en, ['Anxiety', 'Sleep problems'], []],
    ['objects naming topics', '[{"topic": "Anxiety", "reason": "worry"}, {"topic": "Family conflict"}]', en, ['Anxiety', 'Family conflict'], []],
    ['a numbered list', '1. 焦虑\n2. 睡眠问题\n3. 工作压力', zh, ['焦虑', '睡眠问题', '工作压力'], []],
    ['a list with 、 markers and a label', '来访者涉及的话题：\n1、焦虑\n2、恋爱关系', zh, ['焦虑', '恋爱关系'], []],
    ['a 、-separated line', '焦虑、睡眠问题、家庭冲突', zh, ['焦虑', '睡眠问题', '家庭冲突'], []],
    ['a ，-separated line with 。', '焦虑，工作压力。', zh, ['焦虑', '工作压力'], []],
    ['bullets with definitions', '- 焦虑：持续的紧张\n- 睡眠问题：入睡困难', zh, ['焦虑', '睡眠问题'], []],
    ['《》 brackets', '《焦虑》《睡眠问题》'.replace('》《', '》、《'), zh, ['焦虑', '睡眠问题'], []],
    ['a topic outside the list', '["焦虑", "拖延症"]', zh, ['焦虑'], ['拖延症']],
    ['only outside topics', '["Insomnia"]', en, [], ['Insomnia']],
    ['repeats counted once', '["焦虑", "焦虑", " 焦虑 "]', zh, ['焦虑'], []],
    ['full-width letters and case', '["ＡＮＸＩＥＴＹ"]', en, ['Anxiety'], []],
    ['a hyphenated English topic whole', 'Parent-child relationship, Anxiety', en, ['Parent-child relationship', 'Anxiety'], []],
  ];
  it.each(cases)('reads %s', (_, reply, list, topics, outside) => {
    expect(readTopics(reply, list)).toEqual({ ok: true, topics, outside });
  });

  it.each([[''], ['```\n```'], ['[]'], ['   \n  ']])('a reply naming no topic, %j, is no reading', (reply) => {
    expect(readTopics(reply, zh).ok).toBe(false);
  });
});
