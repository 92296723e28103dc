import { afterEach, describe, expect, it } from 'vitest';
import type { CardDraftResult } from '../../src-main/contract';
import { MAX_DRAFT_ATTEMPTS, readDraft } from '../../src-main/card-assist/drafting';
import { chatBodies, harness, type Harness } from './support';

// cards:draft against the LLM test server: one call per attempt with response_format
// json_object, lenient reading of the answer, validation, corrective retries, failures.

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const complaint = '20岁女，总是渴望他人认可，总是拖延，怎么办？前几天和我妈吵架。';
// What the shipped template asks for: each value as one text, the level first.
const answer = {
  gender: '女',
  age: '20岁',
  education: '本科在读',
  occupation: '学生',
  maritalStatus: '单身',
  familyRelationships: '与母亲关系紧张。',
  bigFive: {
    openness: '中等偏低。对新体验接受度较低。',
    conscientiousness: '中等。有责任感但拖延。',
    extraversion: 'moderately low. 社交中焦虑。',
    agreeableness: '中高，渴望认可。',
    neuroticism: '高（焦虑、情绪波动）',
  },
  resistance: '中等。有一定怀疑。',
};
const expected = { ...answer, extras: [] };
// What older templates (a user's override may still be one) asked for: { level, description } and a number.
const olderAnswer = {
  ...answer,
  age: 20,
  bigFive: {
    openness: { level: '中等偏低', description: '对新体验接受度较低。' },
    conscientiousness: { level: '中等', description: '有责任感但拖延。' },
    extraversion: { level: 'moderately low', description: '社交中焦虑。' },
    agreeableness: { level: '中高', description: '渴望认可。' },
    neuroticism: { level: 'high', description: '' },
  },
  resistance: { level: '中等', description: '有一定怀疑。' },
};
const olderExpected = {
  ...answer,
  bigFive: {
    openness: '中等偏低。对新体验接受度较低。',
    conscientiousness: '中等。有责任感但拖延。',
    extraversion: 'moderately low。社交中焦虑。',
    agreeableness: '中高。渴望认可。',
    neuroticism: 'high',
  },
  resistance: '中等。有一定怀疑。',
  extras: [],
};
const draftInput = (h: Harness) => ({ endpointId: h.endpointId, chiefComplaint: complaint, language: 'zh' });

describe('cards:draft', () => {
  it('drafts the eight elements in one call, keeping each as the model wrote it', async () => {
    h = await harness({ endpoint: { temperature: 0.4, maxTokens: 2000 } });
    h.server.enqueue(JSON.stringify(answer));
    const result = await h.call<CardDraftResult>('cards:draft', draftInput(h));
    expect(result.draft).toEqual(expected);
    expect(result.attempts).toBe(1);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    const [body, ...more] = chatBodies(h.server);
    expect(more).toEqual([]);
    expect(body).toMatchObject({ model: 'test-model', temperature: 0.4, max_tokens: 2000, response_format: { type: 'json_object' } });
    expect(body!.stream).toBeFalsy();
    const messages = body!.messages as { role: string; content: string }[];
    expect(messages).toHaveLength(1);
    expect(messages[0]!.role).toBe('user');
    expect(messages[0]!.content).toContain(`主诉问题（例如一篇心理求助帖）：\n${complaint}\n`);
    expect(messages[0]!.content).not.toContain('{chief_complaint}');
  });

  it('uses the drafting template override', async () => {
    h = await harness();
    await h.call('prompts:set', { kind: 'drafting', language: 'en', template: 'Complaint: {chief_complaint}\nAnswer in JSON.' });
    h.server.enqueue(JSON.stringify({ ...olderAnswer, bigFive: { ...olderAnswer.bigFive, openness: { level: 'Moderately low', description: 'Prefers routine.' } } }));
    const result = await h.call<CardDraftResult>('cards:draft', { endpointId: h.endpointId, chiefComplaint: 'I cannot sleep.', language: 'en' });
    expect(result.draft).toMatchObject({ age: '20', bigFive: { openness: 'Moderately low. Prefers routine.' } });
    expect((chatBodies(h.server)[0]!.messages as { content: string }[])[0]!.content).toBe('Complaint: I cannot sleep.\nAnswer in JSON.');
  });

  it('sends an invalid answer back with its problems and accepts the corrected one', async () => {
    h = await harness();
    h.server.enqueue(
      JSON.stringify({ ...answer, age: 'twenty', bigFive: { ...answer.bigFive, openness: '超级高，很开放' } }),
      `好的，修正如下：\n\`\`\`json\n${JSON.stringify(olderAnswer)}\n\`\`\``,
    );
    const result = await h.call<CardDraftResult>('cards:draft', draftInput(h));
    expect(result.attempts).toBe(2);
    expect(result.draft).toEqual(olderExpected);
    const bodies = chatBodies(h.server);
    expect(bodies).toHaveLength(2);
    const second = bodies[1]!.messages as { role: string; content: string }[];
    expect(second.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(second[1]!.content).toContain('"age":"twenty"');
    expect(second[2]!.content).toContain("age: 'twenty' is not an age; write a number of years such as 20岁");
    expect(second[2]!.content).toContain('bigFive.openness: must start with a level (低 / 中等偏低 / 中等 / 中等偏高 / 高');
    expect(bodies[1]).toMatchObject({ response_format: { type: 'json_object' } });
  });

  it(`gives up after ${MAX_DRAFT_ATTEMPTS} unusable answers, naming what was wrong with the last`, async () => {
    h = await harness();
    h.server.enqueue('我无法完成这个任务。', JSON.stringify({ gender: '女' }), JSON.stringify({ ...answer, resistance: undefined, occupation: '' }));
    const error = await h.fail('cards:draft', draftInput(h));
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain('3 attempts');
    expect(error.message).toContain('resistance: is missing or empty; fill it in');
    expect(error.message).toContain('occupation: is missing or empty; fill it in');
    expect(error.message).not.toContain('contains no JSON');
    expect(chatBodies(h.server)).toHaveLength(3);
  });

  it('retries once without response_format when the server refuses it with a 400', async () => {
    h = await harness();
    h.server.enqueue({ fault: 'status', status: 400, body: { error: { message: "Unknown parameter: 'response_format'", type: 'invalid_request_error' } } });
    h.server.enqueue('{"gender": "女"}', JSON.stringify(answer));
    const result = await h.call<CardDraftResult>('cards:draft', draftInput(h));
    expect(result).toMatchObject({ attempts: 2, draft: expected });
    const bodies = chatBodies(h.server);
    expect(bodies.map((b) => 'response_format' in b)).toEqual([true, false, false]);
  });

  it('reports a failed call with the one-line classified message, without retrying it', async () => {
    h = await harness();
    h.server.enqueue({ fault: 'server_error', status: 503 });
    const error = await h.fail('cards:draft', draftInput(h));
    expect(error).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/^Drafting failed: The server failed \(503\)/) });
    expect(error.message).not.toContain('\n');
    expect(chatBodies(h.server)).toHaveLength(1);

    h.server.enqueue({ fault: 'unauthorized' });
    expect((await h.fail('cards:draft', draftInput(h))).message).toMatch(/rejected the API key \(401\)/);
  });

  it('says when the endpoint is gone or its key is missing', async () => {
    h = await harness();
    expect(await h.fail('cards:draft', { ...draftInput(h), endpointId: 999 })).toMatchObject({ code: 'not_found' });
    const keyed = h.ctx.endpoints.create({ name: 'keyed', baseUrl: h.server.url, model: 'test-model', apiKeyEnv: 'SIMPSY_TEST_NO_SUCH_KEY' });
    expect(await h.fail('cards:draft', { ...draftInput(h), endpointId: keyed.id })).toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('SIMPSY_TEST_NO_SUCH_KEY'),
    });
    expect(chatBodies(h.server)).toHaveLength(0);
  });
});

describe('reading a drafted answer', () => {
  it('accepts snake_case keys, ratings as one text or as { level, description }, ages with units, and ignores extra keys', () => {
    const read = readDraft(
      JSON.stringify({
        gender: 'Male',
        age: '34 years old',
        education: "Master's",
        occupation: 'Engineer',
        marital_status: 'Married',
        family_relationships: 'Close.',
        big_five: {
          Openness: 'High. Curious.',
          conscientiousness: 'moderately_high',
          extraversion: { level: 'Low', description: 'Quiet.', score: 2 },
          agreeableness: 'Moderate',
          neuroticism: 'Moderately high, worries a lot',
        },
        resistance: 'Low',
        chiefComplaint: 'echoed back',
        notes: 'extra',
      }),
      'en',
    );
    expect(read).toEqual({
      draft: {
        gender: 'Male',
        age: '34 years old',
        education: "Master's",
        occupation: 'Engineer',
        maritalStatus: 'Married',
        familyRelationships: 'Close.',
        bigFive: {
          openness: 'High. Curious.',
          conscientiousness: 'moderately_high',
          extraversion: 'Low. Quiet.',
          agreeableness: 'Moderate',
          neuroticism: 'Moderately high, worries a lot',
        },
        resistance: 'Low',
        extras: [],
      },
    });
  });

  it('names each problem once, by its path', () => {
    expect(readDraft('')).toEqual({ problems: ['The answer was empty'] });
    expect(readDraft('{"gender": "女",')).toEqual({ problems: ['The answer contains no JSON object'] });
    expect(readDraft('[1, 2]')).toMatchObject({ problems: ['The answer contains no JSON object'] });
    const read = readDraft(JSON.stringify({ ...answer, age: 200, bigFive: { openness: answer.bigFive.openness } }));
    expect(read).toMatchObject({ problems: expect.arrayContaining(["age: '200岁' is not an age; write a number of years such as 20岁", 'bigFive.neuroticism: is missing or empty; fill it in']) });
    expect('problems' in read && read.problems).toHaveLength(5);
  });
});
