import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestChannels, type RequestChannel } from '../../src-main/contract';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { createDispatch, MAX_PAYLOAD_BYTES, type Dispatch } from '../../src-main/ipc/dispatch';
import { createHandlerTable } from '../../src-main/ipc/handlers';
import { memorySecretBox } from '../support/secret-box';
import { tempDbPath } from '../support/temp';
import { makeCard } from '../role-cards/support';

// Every request channel gets a table of malformed payloads. Each must come back as a
// typed validation error, and nothing in the database may change.

const huge = 'x'.repeat(300_000);
const long = 'y'.repeat(5_000);
const validEndpoint = { name: 'ok', baseUrl: 'http://127.0.0.1:8000/v1', model: 'm' };
const validCard = makeCard();
const validSsh = { name: 'lab', host: '127.0.0.1', port: 22, user: 'train', auth: 'key', keyFile: '/home/me/.ssh/id_ed25519' };
const validJob = { runIds: [1], base: 'qwen2-7b-instruct', mode: 'prefix' };
const validArena = { counselors: ['alpha', 'beta'], client: { endpointId: 1 }, judge: { endpointId: 1 } };

const shared: [string, unknown][] = [
  ['null', null],
  ['a string', 'endpoints'],
  ['a number', 42],
  ['an array', [1, 2]],
  ['a huge string field', { huge }],
  ['an extra field', { sneaky: true }],
];

const arenaStartRows: [string, unknown][] = [
  ...shared,
  ['one counselor', { ...validArena, counselors: ['alpha'] }],
  ['no judge', { counselors: validArena.counselors, client: validArena.client }],
  ['counselors as text', { ...validArena, counselors: 'alpha,beta' }],
  ['an unknown prompt version', { ...validArena, prompt: 3 }],
  ['the prompt version as text', { ...validArena, prompt: '2' }],
  ['an unknown pairing', { ...validArena, pairing: 'swiss' }],
  ['zero turns', { ...validArena, maxTurns: 0 }],
  ['a negative seed', { ...validArena, seed: -1 }],
  ['swap check as text', { ...validArena, swapCheck: 'yes' }],
  ['an extra field in the judge', { ...validArena, judge: { endpointId: 1, apiKey: 'sk-x' } }],
  ['cards by an unknown split', { ...validArena, cards: { split: 'holdout' } }],
];

const malformed: Record<RequestChannel, [string, unknown][]> = {
  'app:info': shared,
  'files:choose': [
    ...shared,
    ['no mode', {}],
    ['an unknown mode', { mode: 'delete-file' }],
    ['a filter extension with a path', { mode: 'open-file', filters: [{ name: 'x', extensions: ['../etc'] }] }],
    ['a huge title', { mode: 'open-file', title: long }],
  ],
  'settings:get': shared,
  'settings:update': [
    ...shared,
    ['an unknown locale', { locale: 'fr' }],
    ['locale of the wrong type', { locale: 1 }],
  ],
  'endpoints:list': shared,
  'endpoints:create': [
    ...shared,
    ['missing fields', { name: 'a' }],
    ['empty name', { ...validEndpoint, name: '  ' }],
    ['name with a slash', { ...validEndpoint, name: 'a/b' }],
    ['name too long', { ...validEndpoint, name: long }],
    ['not a URL', { ...validEndpoint, baseUrl: 'localhost:8000' }],
    ['a file URL', { ...validEndpoint, baseUrl: 'file:///etc/passwd' }],
    ['a javascript URL', { ...validEndpoint, baseUrl: 'javascript:alert(1)' }],
    ['a huge URL', { ...validEndpoint, baseUrl: `http://x/${long}` }],
    ['model of the wrong type', { ...validEndpoint, model: 7 }],
    ['temperature as text', { ...validEndpoint, temperature: '0.7' }],
    ['temperature out of range', { ...validEndpoint, temperature: 3 }],
    ['top_p of zero', { ...validEndpoint, topP: 0 }],
    ['fractional max tokens', { ...validEndpoint, maxTokens: 1.5 }],
    ['negative price', { ...validEndpoint, priceInputPerM: -1 }],
    ['NaN timeout', { ...validEndpoint, timeoutMs: Number.NaN }],
    ['env var with a space', { ...validEndpoint, apiKeyEnv: 'MY KEY' }],
    ['env var with shell syntax', { ...validEndpoint, apiKeyEnv: '$(rm -rf /)' }],
    ['a key that is not text', { ...validEndpoint, apiKey: { k: 1 } }],
    ['a huge key', { ...validEndpoint, apiKey: huge }],
    ['an extra field', { ...validEndpoint, id: 5 }],
  ],
  'endpoints:update': [
    ...shared,
    ['no id', { name: 'x' }],
    ['id as text', { id: '1' }],
    ['negative id', { id: -1 }],
    ['bad URL', { id: 1, baseUrl: 'nope' }],
    ['null name', { id: 1, name: null }],
    ['clearApiKey as text', { id: 1, clearApiKey: 'yes' }],
    ['an extra field', { id: 1, createdAt: 'x' }],
  ],
  'endpoints:remove': [...shared, ['no id', {}], ['fractional id', { id: 1.5 }], ['id zero', { id: 0 }]],
  'endpoints:test': [...shared, ['no id', {}], ['id as an object', { id: { $gt: 0 } }]],
  'endpoints:detect': [...shared, ['ports chosen by the page', { ports: [22, 25] }], ['a host chosen by the page', { host: '10.0.0.1' }]],
  'jobs:list': [
    ...shared,
    ['unknown status', { status: 'exploded' }],
    ['limit too big', { limit: 1_000_000 }],
    ['kind of the wrong type', { kind: 3 }],
  ],
  'jobs:cancel': [...shared, ['no id', {}], ['id as text', { id: 'all' }]],
  // Role cards (src-main/role-cards): a valid card to break one field at a time.
  'cards:list': [
    ...shared,
    ['an unknown split', { split: 'train' }],
    ['age as text', { ageMin: '20' }],
    ['an age range upside down', { ageMin: 40, ageMax: 20 }],
    ['an unknown level', { traits: { openness: ['extreme'] } }],
    ['an unknown trait', { traits: { humour: ['high'] } }],
    ['an empty level list', { resistance: [] }],
    ['limit too big', { limit: 100_000 }],
    ['a negative offset', { offset: -1 }],
    ['an unknown sort', { sort: 'random' }],
    ['a huge query', { query: huge }],
    ['tags as text', { tags: 'a' }],
  ],
  'cards:get': [...shared, ['no id', {}], ['id as text', { id: '1' }]],
  'cards:text': [...shared, ['no id', {}], ['fractional id', { id: 1.5 }]],
  'cards:create': [
    ...shared,
    ['no complaint', { gender: '女' }],
    ['age as a number', { ...validCard, age: 25 }],
    ['a trait as { level, description }', { ...validCard, bigFive: { ...validCard.bigFive, openness: { level: 'high', description: '' } } }],
    ['a trait as a number', { ...validCard, bigFive: { ...validCard.bigFive, openness: 3 } }],
    ['an unknown trait', { ...validCard, bigFive: { ...validCard.bigFive, humour: '高' } }],
    ['a NUL in the gender', { ...validCard, gender: '女\u0000' }],
    ['an escape character in a trait', { ...validCard, bigFive: { ...validCard.bigFive, neuroticism: '高\u001b[0m' } }],
    ['a control character in a tag', { ...validCard, tags: ['重点\u0007'] }],
    ['an age too long', { ...validCard, age: '岁'.repeat(101) }],
    ['an extra field without a place', { ...validCard, extras: [{ label: '经济状况', value: '一般' }] }],
    ['an extra field in an unknown place', { ...validCard, extras: [{ after: 'hobbies', label: '经济状况', value: '一般' }] }],
    ['an extra label with a colon', { ...validCard, extras: [{ after: 'gender', label: '经济：状况', value: '一般' }] }],
    ['a NUL in an extra value', { ...validCard, extras: [{ after: 'gender', label: '经济状况', value: '一\u0000般' }] }],
    ['too many extra fields', { ...validCard, extras: Array.from({ length: 51 }, (_, i) => ({ after: 'gender', label: `f${i}`, value: 'x' })) }],
    ['an empty complaint', { ...validCard, chiefComplaint: '   ' }],
    ['a complaint too long', { ...validCard, chiefComplaint: 'z'.repeat(20_001) }],
    ['a tag with a semicolon', { ...validCard, tags: ['a;b'] }],
    ['too many tags', { ...validCard, tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }],
    ['an unknown split', { ...validCard, split: 'train' }],
    ['an unknown language', { ...validCard, language: 'fr' }],
    ['an id', { ...validCard, id: 5 }],
  ],
  'cards:update': [
    ...shared,
    ['no id', { age: '20岁' }],
    ['age as a number', { id: 1, age: 20 }],
    ['an unknown trait', { id: 1, bigFive: { humour: '高' } }],
    ['a rating as an object', { id: 1, resistance: { level: 'high', description: 'x' } }],
    ['a NUL in a trait', { id: 1, bigFive: { openness: '中等\u0000' } }],
    ['a control character in the complaint', { id: 1, chiefComplaint: '失眠\u0008' }],
    ['extras as text', { id: 1, extras: '经济状况：一般' }],
    ['null gender', { id: 1, gender: null }],
    ['an unknown split', { id: 1, split: 'train' }],
    ['a createdAt', { id: 1, createdAt: 'x' }],
  ],
  'cards:remove': [...shared, ['no id', {}], ['id zero', { id: 0 }]],
  'cards:bulk': [
    ...shared,
    ['no action', { ids: [1] }],
    ['neither ids nor filter', { action: { kind: 'delete' } }],
    ['both ids and filter', { ids: [1], filter: {}, action: { kind: 'delete' } }],
    ['empty ids', { ids: [], action: { kind: 'delete' } }],
    ['ids as text', { ids: ['1'], action: { kind: 'delete' } }],
    ['an unknown action', { ids: [1], action: { kind: 'explode' } }],
    ['no tags to add', { ids: [1], action: { kind: 'addTags', tags: [] } }],
    ['an unknown split', { ids: [1], action: { kind: 'setSplit', split: 'train' } }],
    ['a bad filter', { filter: { split: 'train' }, action: { kind: 'delete' } }],
  ],
  'cards:tags': shared,
  'cards:history': [...shared, ['no id', {}], ['id as text', { id: 'all' }]],
  'cards:revert': [...shared, ['no revision', { id: 1 }], ['revision as text', { id: 1, revisionId: 'last' }]],
  'cards:import': [
    ...shared,
    ['no path', {}],
    ['a relative path', { path: 'cards.json' }],
    ['a path with NUL', { path: '/tmp/a\u0000b' }],
    ['an unknown format', { path: '/tmp/cards.xlsx', format: 'xlsx' }],
    ['dryRun as text', { path: '/tmp/cards.json', dryRun: 'yes' }],
    ['an unknown split', { path: '/tmp/cards.json', split: 'train' }],
  ],
  'cards:export': [
    ...shared,
    ['no format', { path: '/tmp/out.json' }],
    ['a relative path', { path: 'out.json', format: 'json' }],
    ['an unknown format', { path: '/tmp/out.xlsx', format: 'xlsx' }],
    ['both ids and filter', { path: '/tmp/out.json', format: 'json', ids: [1], filter: {} }],
    ['overwrite as text', { path: '/tmp/out.json', format: 'json', overwrite: 'yes' }],
    ['overwrite as a number', { path: '/tmp/out.json', format: 'json', overwrite: 1 }],
  ],
  'cards:split': [
    ...shared,
    ['no seed', { test: 10 }],
    ['a negative test count', { test: -1, seed: 1 }],
    ['a fractional seed', { test: 1, seed: 1.5 }],
    ['seed as text', { test: 1, seed: '42' }],
  ],
  'cards:duplicates': [
    ...shared,
    ['a threshold too low', { threshold: 0.2 }],
    ['threshold as text', { threshold: '0.7' }],
    ['an unknown split', { split: 'train' }],
  ],
  // Card design help (src-main/card-assist): preview, drafting, trial chat, prompt templates.
  'cards:render': [
    ...shared,
    ['neither id nor draft', {}],
    ['both id and draft', { id: 1, draft: { language: 'zh' } }],
    ['id as text', { id: '1' }],
    ['a draft without a language', { draft: { gender: '女' } }],
    ['a draft in an unknown language', { draft: { language: 'fr' } }],
    ['a draft with age as a number', { draft: { language: 'zh', age: 25 } }],
    ['a draft with a rating as an object', { draft: { language: 'zh', resistance: { level: 'high', description: '' } } }],
    ['a draft with an unknown trait', { draft: { language: 'zh', bigFive: { humour: '高' } } }],
    ['a draft with a NUL', { draft: { language: 'zh', familyRelationships: '和睦\u0000' } }],
    ['a draft with a broken extra field', { draft: { language: 'zh', extras: [{ after: 'nowhere', label: 'x', value: 'y' }] } }],
    ['a draft with an unknown field', { draft: { language: 'zh', split: 'pool' } }],
  ],
  'cards:draft': [
    ...shared,
    ['no complaint', { endpointId: 1, language: 'zh' }],
    ['a blank complaint', { endpointId: 1, chiefComplaint: '   ', language: 'zh' }],
    ['a complaint too long', { endpointId: 1, chiefComplaint: 'z'.repeat(20_001), language: 'zh' }],
    ['no endpoint', { chiefComplaint: '睡不着', language: 'zh' }],
    ['an endpoint id as text', { endpointId: '1', chiefComplaint: '睡不着', language: 'zh' }],
    ['an unknown language', { endpointId: 1, chiefComplaint: '睡不着', language: 'fr' }],
    ['an api key', { endpointId: 1, chiefComplaint: '睡不着', language: 'zh', apiKey: 'sk' }],
  ],
  'cards:chat': [
    ...shared,
    ['no chat id', { endpointId: 1, card: { id: 1 }, history: [], message: '你好' }],
    ['an empty chat id', { chatId: '', endpointId: 1, card: { id: 1 }, history: [], message: '你好' }],
    ['a huge chat id', { chatId: long, endpointId: 1, card: { id: 1 }, history: [], message: '你好' }],
    ['no card', { chatId: 'c', endpointId: 1, history: [], message: '你好' }],
    ['a blank message', { chatId: 'c', endpointId: 1, card: { id: 1 }, history: [], message: '  ' }],
    ['an unknown role in the history', { chatId: 'c', endpointId: 1, card: { id: 1 }, history: [{ role: 'system', content: 'x' }], message: '你好' }],
    ['history as text', { chatId: 'c', endpointId: 1, card: { id: 1 }, history: 'x', message: '你好' }],
    ['too much history', { chatId: 'c', endpointId: 1, card: { id: 1 }, history: Array.from({ length: 201 }, () => ({ role: 'client', content: 'x' })), message: '你好' }],
  ],
  'cards:chatCancel': [...shared, ['no chat id', {}], ['chat id as a number', { chatId: 1 }], ['an empty chat id', { chatId: '' }]],
  'cards:chatSave': [
    ...shared,
    ['no messages', { cardId: 1, endpointId: 1, messages: [] }],
    ['no card', { endpointId: 1, messages: [{ role: 'client', content: '你好' }] }],
    ['a message without a role', { cardId: 1, endpointId: 1, messages: [{ content: '你好' }] }],
    ['an unknown role', { cardId: 1, endpointId: 1, messages: [{ role: 'assistant', content: '你好' }] }],
    ['a note too long', { cardId: 1, endpointId: 1, messages: [{ role: 'client', content: '你好' }], note: long }],
    ['card id as text', { cardId: '1', endpointId: 1, messages: [{ role: 'client', content: '你好' }] }],
  ],
  'cards:chats': [...shared, ['no id', {}], ['id as text', { id: '1' }]],
  'prompts:get': [...shared, ['no kind', { language: 'zh' }], ['an unknown kind', { kind: 'judge', language: 'zh' }], ['an unknown language', { kind: 'client', language: 'fr' }]],
  'prompts:set': [
    ...shared,
    ['no template', { kind: 'client', language: 'zh' }],
    ['a template too long', { kind: 'counselor', language: 'zh', template: 'z'.repeat(50_001) }],
    ['a template as a number', { kind: 'counselor', language: 'zh', template: 5 }],
    ['an unknown kind', { kind: 'judge', language: 'zh', template: null }],
    ['a client template without {role_card}', { kind: 'client', language: 'zh', template: '你是一位来访者。' }],
    ['a drafting template without {chief_complaint}', { kind: 'drafting', language: 'en', template: 'Draft a card as JSON.' }],
    ['a blank counselor template', { kind: 'counselor', language: 'zh', template: '   ' }],
  ],
  // Simulation runs and dialogues (src-main/simulation).
  'simulation:defaults': [...shared, ['no language', {}], ['an unknown language', { language: 'fr' }]],
  'simulation:start': [
    ...shared,
    ['no agents', {}],
    ['no counselor', { client: { endpointId: 1 } }],
    ['an endpoint id as text', { client: { endpointId: '1' }, counselor: { endpointId: 1 } }],
    ['an unknown agent field', { client: { endpointId: 1, apiKey: 'sk' }, counselor: { endpointId: 1 } }],
    ['temperature out of range', { client: { endpointId: 1, temperature: 5 }, counselor: { endpointId: 1 } }],
    ['an unknown template name', { client: { endpointId: 1 }, counselor: { endpointId: 1, templateName: 'mine' } }],
    ['zero concurrency', { client: { endpointId: 1 }, counselor: { endpointId: 1 }, concurrency: 0 }],
    ['fractional turns', { client: { endpointId: 1 }, counselor: { endpointId: 1 }, maxTurns: 2.5 }],
    ['an unknown language', { client: { endpointId: 1 }, counselor: { endpointId: 1 }, language: 'fr' }],
    ['an unknown split', { client: { endpointId: 1 }, counselor: { endpointId: 1 }, cards: { split: 'train' } }],
    ['empty card ids', { client: { endpointId: 1 }, counselor: { endpointId: 1 }, cards: { ids: [] } }],
    ['an empty termination list', { client: { endpointId: 1 }, counselor: { endpointId: 1 }, terminationPhrases: [] }],
    ['a blank termination phrase', { client: { endpointId: 1 }, counselor: { endpointId: 1 }, terminationPhrases: ['  '] }],
    ['max length zero', { client: { endpointId: 1 }, counselor: { endpointId: 1 }, refinement: { maxLength: 0 } }],
    ['too many attempts', { client: { endpointId: 1 }, counselor: { endpointId: 1 }, refinement: { maxAttempts: 99 } }],
    ['rpm as text', { client: { endpointId: 1 }, counselor: { endpointId: 1 }, rateLimits: [{ endpointId: 1, rpm: '60' }] }],
    ['a timeout too short', { client: { endpointId: 1 }, counselor: { endpointId: 1 }, timeoutMs: 5 }],
    ['a title with a NUL', { client: { endpointId: 1 }, counselor: { endpointId: 1 }, title: 'run\u0000' }],
    ['an opener with a control character', { client: { endpointId: 1 }, counselor: { endpointId: 1 }, opener: '你好\u001b[31m' }],
  ],
  'simulation:pause': [...shared, ['no id', {}], ['id as text', { id: '1' }]],
  'simulation:resume': [...shared, ['no id', {}], ['a negative id', { id: -1 }]],
  'simulation:retry': [...shared, ['no id', {}], ['id as text', { id: '2' }], ['extra field', { id: 1, sessions: [3] }]],
  'simulation:cancel': [...shared, ['no id', {}], ['fractional id', { id: 1.5 }]],
  'simulation:remove': [...shared, ['no id', {}], ['id zero', { id: 0 }]],
  'simulation:runs': shared,
  'simulation:run': [...shared, ['no id', {}], ['id as text', { id: 'last' }]],
  'simulation:dashboard': [...shared, ['no id', {}], ['id as text', { id: 'x' }]],
  'dialogues:list': [
    ...shared,
    ['an unknown end reason', { endReasons: ['bored'] }],
    ['an empty end reason list', { endReasons: [] }],
    ['turns upside down', { minTurns: 10, maxTurns: 2 }],
    ['a negative offset', { offset: -1 }],
    ['limit too big', { limit: 10_000 }],
    ['an unknown sort', { sort: 'random' }],
    ['a huge query', { query: huge }],
    ['run ids as text', { runIds: '1' }],
    ['starred as text', { starred: 'yes' }],
    ['a query with a NUL', { query: '焦虑\u0000' }],
    ['a tag with a control character', { tags: ['a\u0007'] }],
  ],
  'dialogues:get': [...shared, ['no id', {}], ['id as text', { id: '1' }]],
  'dialogues:tag': [
    ...shared,
    ['no ids', { add: ['a'] }],
    ['nothing to add or remove', { ids: [1] }],
    ['a tag with a semicolon', { ids: [1], add: ['a;b'] }],
    ['ids as text', { ids: ['1'], add: ['a'] }],
    ['a tag with a NUL', { ids: [1], add: ['好\u0000样本'] }],
    ['a tag to remove with a lone surrogate', { ids: [1], remove: ['\ud800'] }],
  ],
  'dialogues:star': [...shared, ['no starred', { ids: [1] }], ['starred as text', { ids: [1], starred: 'yes' }], ['empty ids', { ids: [], starred: true }]],
  'dialogues:remove': [...shared, ['empty ids', { ids: [] }], ['ids as numbers in text', { ids: ['1'] }]],
  'dialogues:tags': shared,
  'dialogues:export': [
    ...shared,
    ['no format', { path: '/tmp/out.jsonl' }],
    ['a relative path', { path: 'out.jsonl', format: 'paper' }],
    ['an unknown format', { path: '/tmp/out.csv', format: 'csv' }],
    ['both ids and filter', { path: '/tmp/out.jsonl', format: 'paper', ids: [1], filter: {} }],
    ['a bad filter', { path: '/tmp/out.jsonl', format: 'paper', filter: { endReasons: ['bored'] } }],
    ['overwrite as text', { path: '/tmp/out.jsonl', format: 'paper', overwrite: 'true' }],
    ['overwrite as null', { path: '/tmp/out.jsonl', format: 'paper', overwrite: null }],
  ],
  'dialogues:import': [
    ...shared,
    ['no path', {}],
    ['a relative path', { path: 'dialogue' }],
    ['a path with NUL', { path: '/tmp/a\u0000b' }],
    ['an unknown language', { path: '/tmp/dialogue', language: 'fr' }],
    ['a title with a C1 control character', { path: '/tmp/dialogue', title: 'data\u0085set' }],
    ['cards without a split', { path: '/tmp/dialogue', cards: { path: '/tmp/release' } }],
    ['cards of an unknown split', { path: '/tmp/dialogue', cards: { path: '/tmp/release', split: 'dev' } }],
    ['cards at a relative path', { path: '/tmp/dialogue', cards: { path: 'release', split: 'train' } }],
  ],
  'evaluation:measures': shared,
  'evaluation:run': [
    ...shared,
    ['no measure', { a: { runIds: [1] } }],
    ['an unknown measure', { measure: 'bleu', a: { runIds: [1] } }],
    ['no dataset A', { measure: 'overlap' }],
    ['no runs in A', { measure: 'overlap', a: { runIds: [] } }],
    ['a run id of zero', { measure: 'overlap', a: { runIds: [0] } }],
    ['run ids as text', { measure: 'overlap', a: { runIds: '1,2' } }],
    ['an unknown end reason', { measure: 'stats', a: { runIds: [1], endReasons: ['bored'] } }],
    ['fewest turns above the most', { measure: 'stats', a: { runIds: [1], minTurns: 9, maxTurns: 2 } }],
    ['an extra field in B', { measure: 'stats', a: { runIds: [1] }, b: { runIds: [2], query: 'x' } }],
    ['a negative seed', { measure: 'overlap', a: { runIds: [1] }, seed: -1 }],
    ['a fractional seed', { measure: 'overlap', a: { runIds: [1] }, seed: 1.5 }],
    ['an empty stopword', { measure: 'overlap', a: { runIds: [1] }, stopwords: ['  '] }],
    ['a huge stopword', { measure: 'overlap', a: { runIds: [1] }, stopwords: [long] }],
  ],
  'evaluation:list': [...shared, ['an unknown measure', { measure: 'bleu' }]],
  'evaluation:get': [...shared, ['id as text', { id: '1' }], ['id zero', { id: 0 }]],
  'evaluation:remove': [...shared, ['a negative id', { id: -3 }], ['no id', {}]],
  'evaluation:report': [
    ...shared,
    ['no path', { id: 1 }],
    ['a relative path', { id: 1, path: 'report.html' }],
    ['a relative CSV path', { id: 1, path: '/tmp/r.html', csvPath: 'scores.csv' }],
    ['an unknown language', { id: 1, path: '/tmp/r.html', language: 'fr' }],
    ['overwrite as text', { id: 1, path: '/tmp/r.html', overwrite: 'yes' }],
  ],
  'evaluation:saveChart': [
    ...shared,
    ['no content', { path: '/tmp/c.svg', format: 'svg' }],
    ['an unknown format', { path: '/tmp/c.pdf', format: 'pdf', content: '<svg></svg>' }],
    ['SVG that is not SVG', { path: '/tmp/c.svg', format: 'svg', content: '<script>alert(1)</script>' }],
    ['PNG that is not base64', { path: '/tmp/c.png', format: 'png', content: 'not base64!' }],
    ['PNG bytes that are not a PNG', { path: '/tmp/c.png', format: 'png', content: 'aGVsbG8=' }],
    ['a relative path', { path: 'c.svg', format: 'svg', content: '<svg></svg>' }],
    ['content over the limit', { path: '/tmp/c.svg', format: 'svg', content: `<svg>${'x'.repeat(240_000)}</svg>` }],
  ],
  'ssh:list': shared,
  'ssh:add': [
    ...shared,
    ['missing fields', { name: 'lab' }],
    ['a host that reads as an option', { ...validSsh, host: '-oProxyCommand=touch' }],
    ['a host with a shell character', { ...validSsh, host: 'a;reboot' }],
    ['a port out of range', { ...validSsh, port: 70000 }],
    ['a user starting with a digit', { ...validSsh, user: '1root' }],
    ['key auth without a key file', { ...validSsh, keyFile: undefined }],
    ['agent auth with a passphrase', { ...validSsh, auth: 'agent', keyFile: undefined, passphrase: 'x' }],
    ['a passphrase and its variable both', { ...validSsh, passphrase: 'x', passphraseEnv: 'SSH_PASS' }],
    ['a relative work folder', { ...validSsh, workdir: 'jobs' }],
    ['a huge set-up line', { ...validSsh, setup: long }],
  ],
  'ssh:remove': [...shared, ['no id', {}], ['id as text', { id: '1' }]],
  'ssh:test': [
    ...shared,
    ['no id', {}],
    ['a fingerprint that is not one', { id: 1, acceptHostKey: 'yes' }],
    ['an MD5 fingerprint', { id: 1, acceptHostKey: 'MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48' }],
  ],
  'finetune:options': shared,
  'finetune:preview': [
    ...shared,
    ['no runs', { ...validJob, runIds: [] }],
    ['a run id as text', { ...validJob, runIds: ['1'] }],
    ['no base model', { ...validJob, base: ' ' }],
    ['an unknown mode', { ...validJob, mode: 'all' }],
    ['zero GPUs', { ...validJob, gpus: 0 }],
    ['a setting without a value', { ...validJob, settings: ['learning_rate'] }],
    ['a setting with a newline', { ...validJob, settings: ['learning_rate=1\nrm -rf /'] }],
  ],
  'finetune:submit': [
    ...shared,
    ['no connection', { job: validJob, submission: 'a' }],
    ['a malformed job', { profileId: 1, job: { ...validJob, mode: 'x' }, submission: 'a' }],
    ['a submission id with a slash', { profileId: 1, job: validJob, submission: '../a' }],
  ],
  'finetune:jobs': shared,
  'finetune:job': [...shared, ['no id', {}], ['a negative id', { id: -1 }]],
  'finetune:points': [...shared, ['no id', {}], ['a fractional id', { id: 1.5 }]],
  'finetune:log': [...shared, ['no id', {}]],
  'finetune:watch': [...shared, ['no id', {}]],
  'finetune:cancel': [...shared, ['no id', {}], ['id as text', { id: 'all' }]],
  'finetune:fetch': [...shared, ['no id', {}], ['a folder given by the window', { id: 1, dir: '/tmp' }]],
  'counselors:list': shared,
  'counselors:add': [
    ...shared,
    ['no endpoint', { name: 'alpha' }],
    ['an empty name', { name: '  ', endpointId: 1 }],
    ['a name with a comma', { name: 'a,b', endpointId: 1 }],
    ['a name too long', { name: long, endpointId: 1 }],
    ['endpoint id as text', { name: 'alpha', endpointId: '1' }],
    ['an unknown prompt', { name: 'alpha', endpointId: 1, promptName: 'figure9' }],
    ['temperature out of range', { name: 'alpha', endpointId: 1, temperature: 2.5 }],
    ['top_p of zero', { name: 'alpha', endpointId: 1, topP: 0 }],
    ['fractional max tokens', { name: 'alpha', endpointId: 1, maxTokens: 1.5 }],
    ['an empty custom prompt', { name: 'alpha', endpointId: 1, promptName: 'custom', prompt: '' }],
  ],
  'counselors:remove': [...shared, ['no name', {}], ['a name as a number', { name: 3 }]],
  'arena:list': shared,
  'arena:show': [...shared, ['id as text', { id: '1' }], ['id zero', { id: 0 }]],
  'arena:plan': arenaStartRows,
  'arena:start': arenaStartRows,
  'arena:pause': [...shared, ['no id', {}]],
  'arena:resume': [...shared, ['a negative id', { id: -1 }]],
  'arena:cancel': [...shared, ['a fractional id', { id: 1.5 }]],
  'arena:battles': [
    ...shared,
    ['no id', { source: 'judge' }],
    ["the table's word for the judge", { id: 1, source: 'llm' }],
    ['a negative offset', { id: 1, offset: -1 }],
    ['a page too long', { id: 1, limit: 100_000 }],
  ],
  'arena:battle': [...shared, ['id as text', { id: 'latest' }]],
  'ratings:compute': [
    ...shared,
    ['no arena', { source: 'all' }],
    ["the table's word for the judge", { arenaId: 1, source: 'llm' }],
    ['a plural source', { arenaId: 1, source: 'humans' }],
    ['a negative bootstrap', { arenaId: 1, bootstrap: -5 }],
    ['a bootstrap too large', { arenaId: 1, bootstrap: 10_000_000 }],
    ['a fractional seed', { arenaId: 1, seed: 0.5 }],
  ],
  ...liveMalformed(),
  'annotation:open': [
    ...shared,
    ['no annotator', { path: '/tmp/p.json' }],
    ['an empty annotator', { path: '/tmp/p.json', annotator: '  ' }],
    ['a relative path', { path: 'p.json', annotator: 'wang' }],
    ['a path with NUL', { path: '/tmp/p\0.json', annotator: 'wang' }],
  ],
  'annotation:saved': shared,
  'annotation:resume': [...shared, ['a key with a path', { key: '../../etc/passwd' }], ['no key', {}]],
  'annotation:record': [
    ...shared,
    ['an unknown pick', { key: 'a'.repeat(24), itemId: 's1t1', pick: 'C', note: null, position: 0 }],
    ['a negative position', { key: 'a'.repeat(24), itemId: 's1t1', pick: 'left', note: null, position: -1 }],
    ['a note over the limit', { key: 'a'.repeat(24), itemId: 's1t1', pick: 'left', note: long + long, position: 0 }],
    ['no item', { key: 'a'.repeat(24), pick: 'left', note: null, position: 0 }],
  ],
  'annotation:move': [...shared, ['position as text', { key: 'a'.repeat(24), position: '3' }]],
  'annotation:export': [...shared, ['a relative path', { key: 'a'.repeat(24), path: 'work.json' }], ['a short key', { key: 'abc', path: '/tmp/w.json' }]],
  'annotation:arenas': shared,
  'annotation:package': [
    ...shared,
    ['no annotators', { arenaId: 1, annotators: [], perItem: 1, seed: 1, folder: '/tmp/p' }],
    ['zero per item', { arenaId: 1, annotators: ['a'], perItem: 0, seed: 1, folder: '/tmp/p' }],
    ['a fractional seed', { arenaId: 1, annotators: ['a'], perItem: 1, seed: 1.5, folder: '/tmp/p' }],
    ['a relative folder', { arenaId: 1, annotators: ['a'], perItem: 1, seed: 1, folder: 'p' }],
    ['an annotator with a slash', { arenaId: 1, annotators: ['a/b'], perItem: 1, seed: 1, folder: '/tmp/p' }],
  ],
  'annotation:import': [...shared, ['no paths', { paths: [] }], ['a relative path', { paths: ['w.json'] }]],
  'annotation:agreement': [...shared, ['arena as text', { arenaId: '1' }]],
  'evaluation:plan': [
    ...shared,
    ['a measure computed locally', { measure: 'overlap', a: { runIds: [1] }, endpointId: 1 }],
    ['no endpoint', { measure: 'semantic', a: { runIds: [1] } }],
    ['endpoint id as text', { measure: 'wai', a: { runIds: [1] }, endpointId: '1' }],
    ['zero rounds', { measure: 'topics', a: { runIds: [1] }, endpointId: 1, rounds: 0 }],
    ['a fractional seed', { measure: 'semantic', a: { runIds: [1] }, endpointId: 1, seed: 0.5 }],
    ['an empty model', { measure: 'semantic', a: { runIds: [1] }, endpointId: 1, model: '  ' }],
  ],
  'evaluation:start': [
    ...shared,
    ['no dataset A', { measure: 'wai', endpointId: 1 }],
    ['rounds over the limit', { measure: 'wai', a: { runIds: [1] }, endpointId: 1, rounds: 101 }],
    ['an extra field', { measure: 'topics', a: { runIds: [1] }, endpointId: 1, stopwords: ['的'] }],
  ],
  'evaluation:pause': [...shared, ['no job', {}], ['job id as text', { jobId: '2' }]],
  'evaluation:resume': [...shared, ['job id zero', { jobId: 0 }]],
  'evaluation:ofJob': [...shared, ['a negative job id', { jobId: -1 }]],
  'finetune:serve': [
    ...shared,
    ['no job', { name: 'bot' }],
    ['job as text', { jobId: '1', name: 'bot' }],
    ['a fractional job', { jobId: 1.5, name: 'bot' }],
    ['a blank name', { jobId: 1, name: '   ' }],
    ['a name with a comma', { jobId: 1, name: 'a,b' }],
    ['a privileged port', { jobId: 1, name: 'bot', port: 22 }],
    ['a port out of range', { jobId: 1, name: 'bot', port: 70000 }],
    ['a template that is shell', { jobId: 1, name: 'bot', template: "qwen'; touch /tmp/pwned; '" }],
  ],
  'finetune:unserve': [...shared, ['no job', {}], ['job zero', { jobId: 0 }], ['job as an object', { jobId: { $gt: 0 } }]],
};

/** The arena's human live mode (src-main/arena/live.ts). */
function liveMalformed(): Record<Extract<RequestChannel, `arenaLive:${string}`>, [string, unknown][]> {
  const start = { counselors: ['alpha', 'beta'], cardId: 1, client: { endpointId: 1 }, annotator: '李老师' };
  const ref = [...shared, ['no arena', {}], ['a zero arena id', { arenaId: 0 }], ['an arena id as text', { arenaId: '1' }], ['a fractional arena id', { arenaId: 1.5 }]] as [string, unknown][];
  return {
    'arenaLive:overview': shared,
    'arenaLive:start': [
      ...shared,
      ['one counselor', { ...start, counselors: ['alpha'] }],
      ['three counselors', { ...start, counselors: ['alpha', 'beta', 'gamma'] }],
      ['an empty counselor name', { ...start, counselors: ['alpha', '  '] }],
      ['no card', { ...start, cardId: undefined }],
      ['a negative card id', { ...start, cardId: -3 }],
      ['no client', { ...start, client: undefined }],
      ['a client with an extra field', { ...start, client: { endpointId: 1, key: 'sk-x' } }],
      ['an empty annotator', { ...start, annotator: ' ' }],
      ['an annotator name too long', { ...start, annotator: long }],
      ['zero turns', { ...start, maxTurns: 0 }],
      ['turns as text', { ...start, maxTurns: '5' }],
    ],
    'arenaLive:state': ref,
    'arenaLive:pick': [
      ...ref,
      ['no pick', { arenaId: 1, turn: 1 }],
      ['a pick of C', { arenaId: 1, turn: 1, pick: 'C' }],
      ['a lower-case pick', { arenaId: 1, turn: 1, pick: 'a' }],
      ['no turn', { arenaId: 1, pick: 'A' }],
      ['turn zero', { arenaId: 1, turn: 0, pick: 'A' }],
      ['a note too long', { arenaId: 1, turn: 1, pick: 'tie', note: long }],
      ['a note of the wrong type', { arenaId: 1, turn: 1, pick: 'tie', note: 5 }],
    ],
    'arenaLive:pause': ref,
    'arenaLive:resume': ref,
    'arenaLive:end': ref,
  };
}

let ctx: AppContext;
let dispatch: Dispatch;

function snapshot(): string {
  return JSON.stringify(
    ['settings', 'endpoints', 'jobs', 'role_cards', 'role_card_revisions', 'sim_runs', 'sim_sessions', 'sim_messages', 'prompt_overrides', 'card_chats', 'evaluations', 'evaluation_scores', 'ssh_profiles', 'remote_jobs', 'counselors', 'arena_runs', 'arena_calls', 'battles'].map((t) => ctx.db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()),
  );
}

beforeAll(() => {
  ctx = createAppContext({ dbPath: tempDbPath(), secrets: memorySecretBox() });
  dispatch = createDispatch(createHandlerTable(), ctx, () => {});
  // Something to protect: one endpoint and one job.
  ctx.endpoints.create({ ...validEndpoint, name: 'existing', apiKey: 'sk-existing' });
  ctx.jobs.create('sim', 'A run');
  ctx.cards.create(validCard);
});
afterAll(() => ctx.close());

describe('malformed IPC payloads', () => {
  it('cover every request channel', () => {
    expect(Object.keys(malformed).sort()).toEqual([...requestChannels].sort());
  });

  for (const channel of requestChannels) {
    describe(channel, () => {
      for (const [label, payload] of malformed[channel]) {
        it(`refuses ${label}`, async () => {
          const before = snapshot();
          const result = await dispatch(channel, payload);
          expect(result.ok).toBe(false);
          if (result.ok) return;
          expect(result.error.code).toBe('validation');
          expect(result.error.message.length).toBeLessThan(2_000);
          expect(snapshot()).toBe(before);
        });
      }
    });
  }

  it('refuses an unknown channel', async () => {
    const result = await dispatch('fs:readFile', { path: '/etc/passwd' });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringMatching(/Unknown channel/) } });
  });

  it('refuses a payload over the size limit before parsing it', async () => {
    const result = await dispatch('endpoints:create', { ...validEndpoint, model: 'z'.repeat(MAX_PAYLOAD_BYTES) });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringMatching(/too large/) } });
  });

  it('refuses a payload that is not plain data', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(await dispatch('endpoints:list', cyclic)).toMatchObject({ ok: false, error: { code: 'validation' } });
  });

  it('names the offending field so the form can show it beside the field', async () => {
    const result = await dispatch('endpoints:create', { ...validEndpoint, baseUrl: 'localhost:8000' });
    expect(result).toMatchObject({ ok: false, error: { issues: [{ path: 'baseUrl', message: expect.stringMatching(/http/) }] } });
  });

  it('reports domain errors as typed values: a duplicate name is a conflict on the name field', async () => {
    const result = await dispatch('endpoints:create', { ...validEndpoint, name: 'EXISTING' });
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict', issues: [{ path: 'name' }] } });
  });

  it('reports a missing record as not_found', async () => {
    expect(await dispatch('endpoints:remove', { id: 424242 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('hides internal failures behind a generic message and logs the channel, not the payload', async () => {
    const lines: string[] = [];
    const broken = createDispatch(
      { ...createHandlerTable(), 'endpoints:list': () => { throw new Error('disk on fire'); } },
      ctx,
      (line) => lines.push(line),
    );
    const result = await broken('endpoints:list', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('disk on fire');
    expect(lines.join('\n')).toContain('endpoints:list');
  });
});
