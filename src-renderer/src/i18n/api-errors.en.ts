import type { Thing } from '@contract';
import type { ApiErrorSentences } from './api-errors';

// Errors from main, worded for the window (main's own English is for the CLI and the logs).

const things: Record<Thing, string> = {
  roleCard: 'Role card',
  run: 'Run',
  session: 'Session',
  dialogue: 'Dialogue',
  job: 'Task',
  endpoint: 'Endpoint',
};

const apiErrorsEn: ApiErrorSentences = {
  notFound: ({ thing, id }) => `${things[thing]} ${id} no longer exists; it may have been deleted. Refresh and try again.`,
  revisionNotFound: ({ revision, card }) => `Version ${revision} of role card ${card} no longer exists. Refresh the history.`,
  cardEditedElsewhere: ({ id, at }) => `Role card ${id} was saved elsewhere (${at}) after you opened it. Reload it and make your change again.`,
  endpointNameTaken: ({ name }) => `An endpoint named '${name}' already exists; choose another name.`,
  jobRunningElsewhere: ({ id }) => `Task ${id} is running in another SimPsy Studio process (a terminal running simpsy); pause it there.`,
  jobCancelled: ({ id }) => `Task ${id} was cancelled.`,
  runRunning: ({ id }) => `Run ${id} is running; pause or cancel it before deleting it.`,
  runRunningElsewhere: ({ id }) => `Run ${id} is already running in another process (a terminal running simpsy); pause it there, or wait.`,
  runEnded: ({ id, status }) => `Run ${id} is ${status === 'done' ? 'finished' : 'cancelled'}; there is nothing to resume.`,
  runIsImported: ({ id }) => `Run ${id} is an imported dataset; it does not run.`,
  dialoguesInRunningRun: () => 'Some of these dialogues belong to a run that is running; pause or cancel it first.',
  exportEmpty: () => 'Nothing to export: the selection is empty.',
  exportFolderMissing: ({ folder }) => `The folder ${folder} does not exist; choose another.`,
  cannotWrite: ({ path, why }) => `Cannot write ${path} (${why}). Choose another place.`,
  importNothingAt: ({ path }) => `Nothing at ${path}: choose the dialogue/ folder or a .json/.jsonl file.`,
  resourceMissing: ({ file }) => `A file that comes with SimPsy Studio is missing (${file}). Reinstall the app.`,
  llmRefused: ({ host }) => `Connection refused by ${host}: is the server running, and is the port right?`,
  llmBadPort: ({ port }) => `Port ${port} is one that HTTP clients refuse to use; run the server on another port (e.g. 8000).`,
  llmDns: ({ host }) => `Cannot find the host '${host}': check the spelling of the base URL, or your network.`,
  llmNetwork: ({ host, code }) => `The connection to ${host} failed${code ? ` (${code})` : ''}: the server closed it or the network dropped. Try again.`,
  llmCutOff: ({ host }) => `The connection to ${host} broke off mid-answer. Try again.`,
  llmTimeout: ({ host, seconds }) => `No answer from ${host} within ${seconds} s: the server may be overloaded; try again, or raise the endpoint's timeout.`,
  llmUnauthorized: () => 'The server rejected the API key (401): check the key, or the environment variable that holds it.',
  llmForbidden: ({ said }) => `The key is not allowed to use this model or API (403): ${said}`,
  llmModelNotFound: ({ model }) => `The server has no model '${model}' (404): check the model name.`,
  llmBadUrl: ({ url }) => `Nothing OpenAI-compatible answered at ${url} (404): the base URL usually ends in /v1.`,
  llmRateLimited: ({ said, seconds }) => `The server is rate-limiting requests (429)${seconds !== null ? `; it asks to wait ${seconds} s` : ''}: ${said}`,
  llmServerError: ({ status, said }) => `The server failed (${status}): ${said}`,
  llmRefusedRequest: ({ status, said }) => `The server refused the request (${status}): ${said}`,
  llmNotCompatible: ({ host, detail }) => `${host} answered with something that is not an OpenAI-compatible response (${detail}).`,
  llmNoMessage: () => 'The server answered, but without a chat completion message.',
  apiKeyEnvUnset: ({ endpoint, variable }) => `Endpoint '${endpoint}' reads its API key from the environment variable ${variable}, which is not set. Set it and restart SimPsy Studio.`,
  apiKeyOnlyInApp: ({ endpoint }) => `Endpoint '${endpoint}' has a key saved by the app that cannot be decrypted here.`,
  dbCorrupt: ({ file }) => `The database ${file} is damaged. Quit, restore a backup, or check it with \`simpsy db check\`.`,
  dbNotDatabase: ({ file }) => `${file} is not a SimPsy Studio database. Start the app with another database.`,
  dbReadOnlyFile: ({ file }) => `The database ${file} is read-only, so nothing can be saved. Make it writable, then try again.`,
  dbReadOnlyFolder: ({ file, folder }) => `The folder ${folder} is read-only, so the database ${file} cannot be written there. Make the folder writable, then try again.`,
  dbIsFolder: ({ file }) => `${file} is a folder, not a database file.`,
  dbFull: ({ file }) => `The disk holding ${file} is full: free some space and try again. What failed was not saved; everything before it is safe.`,
  dbBusy: ({ seconds }) => `The database is busy: another SimPsy Studio process (a terminal running simpsy) kept it locked for over ${seconds} s. Try again when it has finished.`,
  dbCannotOpen: ({ file, why }) => `Cannot open the database ${file} (${why}).`,
  dbIo: ({ file, code }) => `Reading or writing ${file} failed (${code}): the disk may be failing, full or unplugged.`,
  internal: () => 'Something went wrong in SimPsy Studio; the details are in the log.',
};

export default apiErrorsEn;
