import type { Command } from 'commander';
import { DomainError } from '../common/errors';
import { serveDeps, serveModel, unserveModel } from '../ssh/serve';
import type { WithContext } from './context';

// `simpsy finetune serve|unserve`: a finished training's model served back from its GPU
// server as an endpoint and an arena counselor (docs/ssh.md, "Serving a trained model back").


const jobNumber = (raw: string): number => {
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) throw new DomainError('validation', `JOB must be a job number, got '${raw}'.`);
  return Number(raw);
};

export function finetuneServeCommands(finetune: Command, withContext: WithContext): void {
  finetune
    .command('serve')
    .description('Serve a finished training\'s model from its server (llamafactory-cli api, detached) and register it as an endpoint and a counselor, reached through an SSH tunnel')
    .argument('<job>', 'job number of a finished training')
    .option('--name <counselor>', 'name of the counselor (and endpoint) it becomes; may be left out to serve a model again')
    .option('--port <port>', "port on the server's 127.0.0.1 (default: the first free one from 18000)")
    .option('--template <name>', 'chat template (default: the one the training used)')
    .option('--wait <seconds>', 'how long the model may take to load', '900')
    .option('--json', 'print the served model as JSON')
    .action((raw: string, o: { name?: string; port?: string; template?: string; wait: string; json?: boolean }) =>
      withContext(async (ctx) => {
        if (o.port !== undefined && !/^\d{1,5}$/.test(o.port)) throw new DomainError('validation', `--port must be a number, got '${o.port}'.`);
        const wait = Number(o.wait);
        if (!(wait > 0)) throw new DomainError('validation', `--wait must be a number of seconds, got '${o.wait}'.`);
        const served = await serveModel(serveDeps(ctx), {
          jobId: jobNumber(raw),
          ...(o.name !== undefined ? { name: o.name } : {}),
          ...(o.port !== undefined ? { port: Number(o.port) } : {}),
          ...(o.template !== undefined ? { template: o.template } : {}),
          readyTimeoutMs: wait * 1000,
          onProgress: (message) => process.stderr.write(`${message}\n`),
        });
        if (o.json) {
          process.stdout.write(`${JSON.stringify({ jobId: served.jobId, endpoint: served.endpointName, counselor: served.counselorName, model: served.model, remotePort: served.remotePort, remoteId: served.pgid })}\n`);
        } else {
          process.stdout.write(
            `Serving job ${served.jobId}'s model as counselor '${served.counselorName}' (endpoint '${served.endpointName}', model ${served.model}, port ${served.remotePort} on the server). ` +
              `Any command that calls it opens the SSH tunnel itself. Stop it: simpsy finetune unserve ${served.jobId}\n`,
          );
        }
      }),
    );

  finetune
    .command('unserve')
    .description('Stop serving a trained model (its API server on the server); its endpoint and counselor stay')
    .argument('<job>', 'job number')
    .action((raw: string) =>
      withContext(async (ctx) => {
        const jobId = jobNumber(raw);
        const how = await unserveModel(serveDeps(ctx), jobId);
        process.stdout.write(`Stopped serving job ${jobId}'s model${how === 'ended' ? ' (it had already ended)' : ''}.\n`);
      }),
    );
}
