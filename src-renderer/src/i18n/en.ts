// English UI strings. This object defines the shape of every dictionary: `zh.ts` is typed
// as `Messages`, so a key missing from (or extra in) either language fails to compile.
// Strings that need values are functions, so translators can place them freely. The larger
// sections live in their own pair of files (`cards.en.ts` / `cards.zh.ts`, ...).

import apiErrors from './api-errors.en';
import cards from './cards.en';
import sim from './simulations.en';
import dlg from './dialogues.en';
import dlgCards from './dialogue-cards.en';
import ev from './evaluation.en';
import live from './arena-live.en';
import ann from './annotation.en';
import endpoints from './endpoints.en';
import local from './local-servers.en';

const en = {
  app: {
    name: 'SimPsy Studio',
    tagline: 'Counseling simulations',
    loading: 'Opening SimPsy Studio…',
    startFailed: 'SimPsy Studio could not start',
    retry: 'Try again',
  },
  navGroups: {
    prepare: 'Prepare',
    simulate: 'Simulate',
    assess: 'Assess',
    improve: 'Improve',
  },
  sections: {
    roleCards: {
      title: 'Role cards',
      subtitle: 'The clients your simulations portray.',
      emptyTitle: 'No role cards yet',
      purpose:
        'A role card describes one client for the client model to play: background, what brings them to counseling, typical thoughts and feelings, and how they speak. Detailed, consistent cards make sessions that feel like real ones.',
      nextNoEndpoint: 'First connect the model that will play the client: add a model endpoint in Settings.',
      nextWithEndpoints:
        'Your models are connected. The role cards you write will be listed here, each ready to pair with a counselor model in Simulations.',
    },
    simulations: {
      title: 'Simulations',
      subtitle: 'LLM-to-LLM counseling sessions.',
      emptyTitle: 'No simulations yet',
      purpose:
        'Run counseling sessions between two models: a client model playing a role card, and a counselor model. Sessions run in the background and are saved as dialogues you can read, evaluate and annotate.',
      nextNoEndpoint: 'First add a model endpoint in Settings: it can play the client, the counselor, or both.',
      nextWithEndpoints:
        'Models are ready. Next, a simulation needs a role card: it tells the client model who to be in the session.',
    },
    dialogues: {
      title: 'Dialogues',
      subtitle: 'Transcripts of simulated sessions.',
      emptyTitle: 'No dialogues yet',
      purpose:
        'Every finished simulation is kept here as a dialogue: read it turn by turn, see which role card and models produced it, and export it for analysis or training.',
      nextNoEndpoint: 'Dialogues come from simulations, and simulations need a model. Start by adding a model endpoint in Settings.',
      nextWithEndpoints: 'Run a simulation: its transcript appears here as soon as the session ends.',
    },
    evaluation: {
      title: 'Evaluation',
      subtitle: 'The paper’s measures of client fidelity, diversity and alliance.',
      emptyTitle: 'Nothing evaluated yet',
      purpose:
        'Measure dialogues as the paper’s §4 does: dataset statistics, and how closely each client keeps to its role card (vocabulary overlap) with significance tests; two datasets, such as simulated and real dialogues, side by side. Every evaluation is kept, reopens at once and exports as a report.',
      nextNoEndpoint: 'The judge is a model too: add a model endpoint in Settings first.',
      nextWithEndpoints: 'Evaluation works on dialogues. Run a simulation or import dialogues first, then evaluate them here.',
    },
    arena: {
      title: 'Arena',
      subtitle: 'Compare counselor models side by side.',
      emptyTitle: 'No comparisons yet',
      purpose:
        'Put two counselor models in front of the same simulated client and read their sessions side by side. Votes from people or from a judge model add up to a ranking.',
      nextNoEndpoint: 'A comparison needs two counselor models. Add model endpoints in Settings.',
      nextOneEndpoint: 'You have one model endpoint; add a second in Settings to compare two counselors.',
      nextWithEndpoints:
        'Both sides are ready. With a role card in place, each counselor meets the same simulated client and you compare the two sessions here.',
    },
    annotation: {
      title: 'Annotation',
      subtitle: 'Human review of dialogues.',
      emptyTitle: 'Nothing to annotate yet',
      purpose:
        'Annotators read dialogues and label them: rate counselor turns, flag moments where the client breaks character, and leave notes. Labels are stored with each dialogue and can be exported.',
      nextNoEndpoint: 'Dialogues to annotate come from simulations, which need a model. Add a model endpoint in Settings.',
      nextWithEndpoints: 'Run a simulation: its dialogue will be ready to label here once the session ends.',
    },
    fineTuning: {
      title: 'Fine-tuning',
      subtitle: 'Train a counselor model on chosen dialogues.',
      emptyTitle: 'No fine-tuning runs yet',
      purpose:
        'Turn well-rated dialogues into training data and fine-tune a counselor model. Add the result as a model endpoint and compare it with others in the Arena.',
      nextNoEndpoint: 'Fine-tuning starts from simulated dialogues, which need a model. Add a model endpoint in Settings first.',
      nextWithEndpoints: 'Collect training material first: simulate sessions, then keep the best ones through Evaluation or Annotation.',
    },
    settings: {
      title: 'Settings',
      subtitle: 'Model endpoints, language, and where your data lives.',
    },
  },
  empty: {
    nextStep: 'Next step',
    addEndpoint: 'Add a model endpoint',
    goSimulations: 'Go to Simulations',
    goRoleCards: 'Go to Role cards',
    endpointsReady: (n: number) => (n === 1 ? '1 model endpoint connected' : `${n} model endpoints connected`),
  },
  endpoints,
  local,
  form: {
    addTitle: 'Add model endpoint',
    editTitle: (name: string) => `Edit “${name}”`,
    save: 'Save',
    create: 'Add endpoint',
    cancel: 'Cancel',
    groups: {
      connection: 'Connection',
      key: 'API key',
      defaults: 'Default generation settings',
      defaultsHelp: 'Leave a field empty to use the provider’s default.',
      prices: 'Prices',
      pricesHelp: 'Per million tokens, in your provider’s currency; used to estimate the cost of runs.',
    },
    name: 'Name',
    namePlaceholder: 'e.g. deepseek-chat',
    nameHelp: 'How this endpoint is shown across the app.',
    baseUrl: 'Base URL',
    baseUrlPlaceholder: 'https://api.deepseek.com/v1',
    model: 'Model',
    modelPlaceholder: 'e.g. deepseek-chat, qwen-plus, gpt-4o',
    keySource: 'Where the key comes from',
    sourceStored: 'Saved in the app',
    sourceEnv: 'Environment variable',
    sourceNone: 'No key',
    apiKey: 'API key',
    apiKeyPlaceholder: 'Paste the key',
    apiKeyHelp: 'Encrypted on this computer. It is never shown again, not even here.',
    keySaved: 'An encrypted key is saved.',
    keyReplace: 'Replace key',
    keyClear: 'Clear key',
    keyWillClear: 'The saved key will be deleted when you save.',
    keyKeep: 'Keep the saved key',
    newKeyPlaceholder: 'Paste the new key',
    cannotStore:
      'This computer cannot encrypt keys, so the app will not save them. Put the key in an environment variable and enter the variable’s name below.',
    apiKeyEnv: 'Environment variable name',
    apiKeyEnvPlaceholder: 'DEEPSEEK_API_KEY',
    apiKeyEnvHelp: 'Read each time a request is made; the key itself stays out of the app.',
    noKeyHelp: 'Fine for local servers (vLLM, Ollama, LM Studio) that accept any key.',
    temperature: 'Temperature',
    topP: 'Top-p',
    maxTokens: 'Max tokens',
    timeout: 'Timeout (seconds)',
    priceInput: 'Input price',
    priceOutput: 'Output price',
    errors: {
      nameRequired: 'Give the endpoint a name',
      nameTooLong: 'Keep the name under 80 characters',
      nameFormat: 'Use letters, digits, dashes or single spaces (no slashes)',
      nameTaken: 'This name is already taken',
      baseUrl: 'Enter a full http:// or https:// URL, e.g. https://api.deepseek.com/v1',
      modelRequired: 'Name the model, e.g. gpt-4o or qwen-plus',
      range: (min: number, max: number) => `Enter a number from ${min} to ${max}`,
      topP: 'Enter a number above 0 and at most 1',
      wholeRange: (min: number, max: number) => `Enter a whole number from ${min} to ${max}`,
      envRequired: 'Enter the name of the environment variable',
      envFormat: 'Letters, digits and _ only, not starting with a digit',
      keyRequired: 'Paste the key, or choose another source',
    },
    saveFailed: 'Could not save the endpoint',
  },
  language: {
    title: 'Language',
    description: 'The language of the interface. Changes apply immediately.',
    zh: '中文',
    en: 'English',
    system: (current: string) => `Follow system (${current})`,
  },
  about: {
    title: 'About & data',
    version: 'Version',
    database: 'Database file',
    databaseHelp: 'Role cards, dialogues, ratings and settings are all kept in this one file. Back it up to keep your work.',
    platform: 'Platform',
    keyStorage: 'API key storage',
    keyStorageOk: 'Encrypted with the system keychain',
    keyStorageNo: 'Unavailable here: use environment variables',
    copy: 'Copy',
    copied: 'Copied',
  },
  jobs: {
    title: 'Background tasks',
    none: 'No tasks running',
    running: (n: number) => (n === 1 ? '1 task running' : `${n} tasks running`),
    empty: 'Long tasks such as simulations and evaluations run here in the background, and keep going while you work elsewhere in the app.',
    cancel: 'Cancel',
    /** Titles of jobs whose stored title is only their subject (a file name). */
    kinds: {
      'cards.duplicates': () => 'Finding duplicate complaints',
      'cards.check': (file: string) => `Checking ${file}`,
      'cards.import': (file: string) => `Importing ${file}`,
      'evaluation.overlap': (datasets: string) => `Vocabulary overlap: ${datasets}`,
    } as Record<string, (subject: string) => string>,
    status: {
      queued: 'Queued',
      running: 'Running',
      paused: 'Paused',
      done: 'Done',
      failed: 'Failed',
      cancelled: 'Cancelled',
    },
  },
  cards,
  sim,
  dlg,
  dlgCards,
  ev,
  live,
  ann,
  replace: {
    title: 'Replace the existing export?',
    file: (path: string) => `${path} already exists. Replace it with this export? The old file stays until the new one is complete.`,
    folder: (path: string) => `${path} already holds exported cards of the same split. Replace that split with this export?`,
    ok: 'Replace',
    cancel: 'Keep the old one',
  },
  errors: {
    loadEndpoints: 'Could not load the endpoints',
    removeEndpoint: 'Could not remove the endpoint',
    testEndpoint: 'Could not test the connection',
    changeLanguage: 'Could not change the language',
    loadJobs: 'Could not load the background tasks',
    cancelJob: 'Could not cancel the task',
  },
  /** Errors from main, by key (contract/errors.ts). */
  apiErrors,
};

export type Messages = typeof en;
export default en;
