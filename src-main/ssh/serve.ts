import type { SFTPWrapper } from 'ssh2';
import type { CounselorRepository } from '../arena/counselors';
import { DomainError } from '../common/errors';
import type { EndpointRepository } from '../endpoints/repository';
import { knownTemplates } from '../finetune/config/presets';
import type { Db } from '../storage/database';
import { writeTransaction } from '../storage/transaction';
import { lastLines, remoteId, runChecked } from './remote-command';
import { RemoteJobStore } from './remote-jobs';
import { cancelDetached, launchDetached, prepareJobFolder, remoteState, tailOf, writeRemote } from './remote-job';
import FREE_PORT from './scripts/free-port.sh?raw';
import type { ServedModel, ServedModelStore } from './served-models';
import { withSession } from './session';
import { FINETUNE_JOB, type TrainingDeps } from './training-job';
import type { TunnelManager } from './tunnels';

// Serving a trained model back (issue 11, Must-have 5; docs/ssh.md): `llamafactory-cli api`
// on the model a finished training left in its output folder, launched detached like the
// training (its own job folder and process group), reached through an SSH tunnel, and
// registered as an endpoint and an arena counselor.

export interface ServeDeps extends TrainingDeps {
  db: Db;
  endpoints: EndpointRepository;
  counselors: CounselorRepository;
  served: ServedModelStore;
  tunnels: TunnelManager;
}

/** The parts of the app's context serving needs, wired the same for the CLI and the window. */
export function serveDeps(ctx: {
  sshProfiles: ServeDeps['profiles'];
  secrets: ServeDeps['secrets'];
  env: ServeDeps['env'];
  jobs: ServeDeps['jobs'];
  db: Db;
  endpoints: ServeDeps['endpoints'];
  arena: { counselors: ServeDeps['counselors'] };
  servedModels: ServeDeps['served'];
  tunnels: ServeDeps['tunnels'];
}): ServeDeps {
  return {
    db: ctx.db,
    profiles: ctx.sshProfiles,
    secrets: ctx.secrets,
    env: ctx.env,
    jobs: ctx.jobs,
    remoteJobs: new RemoteJobStore(ctx.db),
    endpoints: ctx.endpoints,
    counselors: ctx.arena.counselors,
    served: ctx.servedModels,
    tunnels: ctx.tunnels,
  };
}

export interface ServeRequest {
  jobId: number;
  /** The counselor's (and the endpoint's) name; may be left out to serve a model again under its old name. */
  name?: string;
  /** The port on the server's 127.0.0.1; default the first free one from 18000. */
  port?: number;
  /** The chat template; default the one the training used (its YAML in the job folder). */
  template?: string;
  /** How long the model may take to load before the API answers (default 15 min). */
  readyTimeoutMs?: number;
  onProgress?: (message: string) => void;
}

const FIRST_PORT = 18_000;

/** Starts the API server on the trained model, waits until it answers, registers it; answers the served model. */
export async function serveModel(deps: ServeDeps, request: ServeRequest): Promise<ServedModel & { endpointName: string; counselorName: string | null }> {
  const { jobId } = request;
  const job = deps.jobs.get(jobId);
  if (job.kind !== FINETUNE_JOB) throw new DomainError('validation', `Job ${jobId} is not a fine-tuning job.`);
  if (job.status !== 'done') throw new DomainError('validation', `Job ${jobId} is ${job.status}; only a finished training has a model to serve.`);
  if (request.port !== undefined && !(Number.isInteger(request.port) && request.port >= 1024 && request.port <= 65535)) {
    throw new DomainError('validation', `--port: ${request.port} is not a port from 1024 to 65535.`);
  }
  const before = deps.served.find(jobId);
  if (before && !before.stoppedAt) {
    throw new DomainError('conflict', `The model of job ${jobId} is already served (endpoint '${deps.endpoints.get(before.endpointId).name}'); stop it first: simpsy finetune unserve ${jobId}`);
  }
  const name = request.name ?? (before ? deps.endpoints.get(before.endpointId).name : undefined);
  if (before && name !== deps.endpoints.get(before.endpointId).name) {
    throw new DomainError('validation', `--name: the model of job ${jobId} was served as '${deps.endpoints.get(before.endpointId).name}'; serve it again under that name (leave out --name).`);
  }
  if (!name) throw new DomainError('validation', '--name: name the counselor the trained model becomes.');
  if (!before) {
    if (deps.endpoints.findByName(name)) throw new DomainError('conflict', `--name: an endpoint named '${name}' exists already; choose another name.`);
    if (deps.counselors.find(name)) throw new DomainError('conflict', `--name: a counselor named '${name}' exists already; choose another name.`);
  }
  if (request.template !== undefined && !knownTemplates.includes(request.template)) {
    throw new DomainError('validation', `--template: '${request.template}' is not a LLaMA-Factory template (e.g. qwen, deepseek, llama3; docs/finetuning.md lists them).`);
  }
  const record = deps.remoteJobs.get(jobId);
  if (record.profileId === null) throw new DomainError('not_found', `The connection job ${jobId} ran on was removed.`);
  const profile = deps.profiles.get(record.profileId);
  const outputDir = `${record.remoteDir}/${record.trainerLog.split('/').slice(0, -1).join('/') || '.'}`;
  const model = `simpsy-job-${jobId}`;
  const say = request.onProgress ?? (() => {});

  const started = await withSession(deps, profile, {}, async (session) => {
    const sftp = await session.sftp();
    const template = request.template ?? (await trainingTemplate(sftp, record.remoteDir));
    const port = request.port ?? Number((await runChecked(session, 'Finding a free port', FREE_PORT, [String(FIRST_PORT)], { timeoutMs: 60_000 })).trim());
    const dir = await prepareJobFolder(session, `serve-${jobId}-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`);
    await writeRemote(sftp, `${dir}/serve.yaml`, serveYaml(outputDir, template));
    say(`Starting llamafactory-cli api on ${profile.host} (port ${port}, template ${template}, model ${outputDir})`);
    const pgid = await launchDetached(session, dir, ['env', 'API_HOST=127.0.0.1', `API_PORT=${port}`, `API_MODEL_NAME=${model}`, 'llamafactory-cli', 'api', 'serve.yaml']);
    return { dir, pgid, port };
  });

  try {
    const origin = await deps.tunnels.origin({ profile, remotePort: started.port });
    say(`Waiting for the model to load (through an SSH tunnel at ${origin})`);
    const answered = await waitUntilServing(deps, profile, started, `${origin}/v1/models`, request.readyTimeoutMs ?? 15 * 60_000);
    // The endpoint, the counselor and the record, together or not at all.
    return writeTransaction(deps.db, () => {
      const baseUrl = `http://127.0.0.1:${started.port}/v1`;
      const endpoint = before ? deps.endpoints.update({ id: before.endpointId, baseUrl, model: answered }) : deps.endpoints.create({ name, baseUrl, model: answered });
      const counselorId = before?.counselorId ?? deps.counselors.create({ name, endpointId: endpoint.id }).id;
      const served = deps.served.save({ jobId, profileId: profile.id, remoteDir: started.dir, pgid: started.pgid, remotePort: started.port, model: answered, endpointId: endpoint.id, counselorId });
      return { ...served, endpointName: endpoint.name, counselorName: name };
    });
  } catch (error) {
    // Nothing half-made stays running on the server.
    await deps.tunnels.close({ profileId: profile.id, remotePort: started.port });
    await withSession(deps, profile, {}, (session) => cancelDetached(session, started.dir, started.pgid)).catch(() => undefined);
    throw error;
  }
}

/** Polls the API's /v1/models through the tunnel until it lists a model; fails early if the server process ended. */
async function waitUntilServing(
  deps: ServeDeps,
  profile: ReturnType<ServeDeps['profiles']['get']>,
  started: { dir: string; pgid: number; port: number },
  url: string,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      if (response.ok) {
        const body = (await response.json()) as { data?: { id?: unknown }[] };
        const id = body.data?.find((m) => typeof m.id === 'string')?.id;
        if (typeof id === 'string') return id;
      }
    } catch {
      // Not listening yet: the model is loading.
    }
    if (attempt % 5 === 4 || Date.now() > deadline) {
      const ended = await withSession(deps, profile, {}, async (session) => {
        const state = await remoteState(session, started.dir, remoteId(started.pgid));
        return state.kind === 'running' ? null : { state, tail: lastLines(await tailOf(await session.sftp(), `${started.dir}/output.log`), 8) };
      });
      if (ended) {
        const how = ended.state.kind === 'exited' ? `exited with ${ended.state.code}` : ended.state.kind;
        throw new DomainError('unavailable', `llamafactory-cli api on ${profile.host} ${how} before it answered${ended.tail ? `. Last lines: ${ended.tail}` : ''}`);
      }
      if (Date.now() > deadline) throw new DomainError('unavailable', `llamafactory-cli api on ${profile.host} did not answer within ${Math.round(timeoutMs / 1000)} s; see ${started.dir}/output.log there.`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Stops the API server of a served model; its endpoint and counselor stay, and say it is no longer served when called. */
export async function unserveModel(deps: ServeDeps, jobId: number): Promise<'stopped' | 'killed' | 'ended'> {
  const served = deps.served.find(jobId);
  if (!served || served.stoppedAt) throw new DomainError('not_found', `The model of job ${jobId} is not being served.`);
  let outcome: 'stopped' | 'killed' | 'ended' = 'ended';
  if (served.profileId !== null) {
    await deps.tunnels.close({ profileId: served.profileId, remotePort: served.remotePort });
    outcome = await withSession(deps, deps.profiles.get(served.profileId), {}, (session) => cancelDetached(session, served.remoteDir, remoteId(served.pgid)));
  }
  deps.served.markStopped(jobId);
  return outcome;
}

/** The template the training used: `template:` of a YAML in its job folder. */
async function trainingTemplate(sftp: SFTPWrapper, dir: string): Promise<string> {
  const names = await new Promise<string[]>((resolve, reject) => sftp.readdir(dir, (error, list) => (error ? reject(error) : resolve(list.map((f) => f.filename)))));
  for (const name of names.filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const text = await new Promise<string>((resolve) => sftp.readFile(`${dir}/${name}`, (error, data) => resolve(error ? '' : data.toString('utf8'))));
    const template = /^template:\s*["']?([A-Za-z0-9_.-]+)["']?\s*(#.*)?$/m.exec(text)?.[1];
    if (template) return template;
  }
  throw new DomainError('validation', `No training YAML with a template in ${dir}; name it with --template.`);
}

/** LLaMA-Factory's inference arguments (as examples/inference/*.yaml); values JSON-quoted, which YAML reads as they are. */
function serveYaml(modelPath: string, template: string): string {
  return [`model_name_or_path: ${JSON.stringify(modelPath)}`, `template: ${JSON.stringify(template)}`, 'infer_backend: huggingface', 'trust_remote_code: true', ''].join('\n');
}
