import { afterEach, describe, expect, it } from 'vitest';
import type { ApiError, ErrorParams } from '../../src-main/contract';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { createDispatch } from '../../src-main/ipc/dispatch';
import { createHandlerTable } from '../../src-main/ipc/handlers';
import en from '../../src-renderer/src/i18n/api-errors.en';
import zh from '../../src-renderer/src/i18n/api-errors.zh';
import { apiErrorText } from '../../src-renderer/src/lib/error-text';
import { makeCard } from '../role-cards/support';
import { memorySecretBox } from '../support/secret-box';
import { tempDbPath } from '../support/temp';

// Errors from main reach the window as a key and params, and the window words them in the
// user's language; main's English stays for the CLI and the logs.

let ctx: AppContext | undefined;
afterEach(() => ctx?.close());

async function failure(channel: string, payload: unknown, prepare?: (ctx: AppContext) => void): Promise<ApiError> {
  ctx = createAppContext({ dbPath: tempDbPath(), secrets: memorySecretBox() });
  prepare?.(ctx);
  const result = await createDispatch(createHandlerTable(), ctx, () => {})(channel, payload);
  if (result.ok) throw new Error(`${channel} succeeded`);
  return result.error;
}

const inZh = (error: ApiError) => apiErrorText(error, { apiErrors: zh });
const inEn = (error: ApiError) => apiErrorText(error, { apiErrors: en });

describe('errors from main in the user\'s language', () => {
  it('a role card that is gone', async () => {
    const error = await failure('cards:get', { id: 999 });
    expect(error).toMatchObject({ code: 'not_found', key: 'notFound', params: { thing: 'roleCard', id: '999' }, message: 'Role card 999 was not found; it may have been removed. Refresh and try again.' });
    expect(inZh(error)).toBe('角色卡 999 已不存在，可能已被删除。请刷新后重试。');
    expect(inEn(error)).toBe('Role card 999 no longer exists; it may have been deleted. Refresh and try again.');
  });

  it('a name that is taken, with the field it belongs to', async () => {
    const endpoint = { name: '本地', baseUrl: 'http://127.0.0.1:8000/v1', model: 'm' };
    const error = await failure('endpoints:create', endpoint, (c) => c.endpoints.create(endpoint));
    expect(error).toMatchObject({ code: 'conflict', key: 'endpointNameTaken', params: { name: '本地' }, issues: [{ path: 'name' }] });
    expect(inZh(error)).toBe('已有名为“本地”的模型接口，请换一个名称。');
  });

  it('a card saved elsewhere after it was opened', async () => {
    let id = 0;
    const error = await failure('cards:update', { id: 1, ifUpdatedAt: '2000-01-01T00:00:00.000Z', age: '30岁' }, (c) => (id = c.cards.create(makeCard()).id));
    expect(id).toBe(1);
    expect(error).toMatchObject({ code: 'conflict', key: 'cardEditedElsewhere', params: { id: 1 } });
    expect(inZh(error)).toMatch(/^角色卡 1 在你打开之后已在别处保存（.+）。请重新载入，再做一次修改。$/);
  });

  it('a full database from a handler\'s write, not "Something went wrong"', async () => {
    ctx = createAppContext({ dbPath: tempDbPath(), secrets: memorySecretBox() });
    ctx.db.pragma(`max_page_count = ${(ctx.db.pragma('page_count', { simple: true }) as number) + 1}`);
    const dispatch = createDispatch(createHandlerTable(), ctx, () => {});
    let error: ApiError | undefined;
    for (let i = 0; i < 200 && !error; i++) {
      const result = await dispatch('cards:create', makeCard({ chiefComplaint: `第${i}位来访者：${'失眠，焦虑。'.repeat(100)}` }));
      if (!result.ok) error = result.error;
    }
    expect(error).toMatchObject({ code: 'unavailable', key: 'dbFull', params: { file: ctx.dbPath } });
    expect(inZh(error!)).toBe(`${ctx.dbPath} 所在的磁盘已满：请腾出空间后重试。失败的这次操作没有保存，之前的内容都完好。`);
  });

  it('an error without a key, or with one this window does not know, shows main\'s message', () => {
    expect(inZh({ code: 'validation', message: 'Invalid input: age' })).toBe('Invalid input: age');
    expect(inZh({ code: 'conflict', message: 'from a newer main', key: 'somethingNew' as never, params: {} })).toBe('from a newer main');
  });

  it('every key has a Chinese sentence that is really Chinese, and an English one', () => {
    // Typed as ErrorParams: a key added to the contract without a sample here fails to compile.
    const samples: ErrorParams = {
      notFound: { thing: 'run', id: '3' },
      revisionNotFound: { revision: 2, card: 3 },
      cardEditedElsewhere: { id: 3, at: '2025-01-01T00:00:00Z' },
      endpointNameTaken: { name: 'x' },
      jobRunningElsewhere: { id: 3 },
      jobCancelled: { id: 3 },
      runRunning: { id: 3 },
      runRunningElsewhere: { id: 3 },
      runEnded: { id: 3, status: 'done' },
      runIsImported: { id: 3 },
      dialoguesInRunningRun: {},
      exportEmpty: {},
      exportFolderMissing: { folder: '/x' },
      cannotWrite: { path: '/x/y.json', why: 'EACCES' },
      importNothingAt: { path: '/x' },
      resourceMissing: { file: '/x/prompts/client.zh.txt' },
      llmRefused: { host: 'h:1' },
      llmBadPort: { port: '6000' },
      llmDns: { host: 'h' },
      llmNetwork: { host: 'h', code: 'ECONNRESET' },
      llmCutOff: { host: 'h' },
      llmTimeout: { host: 'h', seconds: 15 },
      llmUnauthorized: {},
      llmForbidden: { said: 'no' },
      llmModelNotFound: { model: 'm' },
      llmBadUrl: { url: 'http://h/' },
      llmRateLimited: { said: 'slow down', seconds: 3 },
      llmServerError: { status: 502, said: 'bad gateway' },
      llmRefusedRequest: { status: 400, said: 'bad' },
      llmNotCompatible: { host: 'h', detail: 'd' },
      llmNoMessage: {},
      apiKeyEnvUnset: { endpoint: 'e', variable: 'KEY' },
      apiKeyOnlyInApp: { endpoint: 'e' },
      dbCorrupt: { file: '/f.db' },
      dbNotDatabase: { file: '/f.db' },
      dbReadOnlyFile: { file: '/f.db' },
      dbReadOnlyFolder: { file: '/d/f.db', folder: '/d' },
      dbIsFolder: { file: '/f.db' },
      dbFull: { file: '/f.db' },
      dbBusy: { file: '/f.db', seconds: 30 },
      dbCannotOpen: { file: '/f.db', why: 'ENOENT' },
      dbIo: { file: '/f.db', code: 'SQLITE_IOERR_WRITE' },
      internal: {},
      annotationCutShort: { file: '/tmp/w.json' },
      annotationNotThisKind: { file: '/tmp/w.json', kind: 'work' },
      annotationChanged: { file: '/tmp/w.json' },
      annotationNotYours: { file: '/tmp/p.json', owner: 'wang', annotator: 'li' },
    };
    for (const [key, params] of Object.entries(samples)) {
      const error = { code: 'conflict' as const, message: 'english from main', key: key as keyof ErrorParams, params };
      expect(inZh(error), key).toMatch(/\p{Script=Han}/u);
      expect(inEn(error), key).not.toMatch(/\p{Script=Han}/u);
      expect(inEn(error), key).not.toBe('english from main');
    }
  });
});
