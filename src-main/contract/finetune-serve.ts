import { z } from 'zod';

// Serving a trained model back (issue 11, Must-have 5; docs/ssh.md): the window asks main to
// serve a finished training's model as a counselor, or to stop serving it.

const jobId = z.number().int().positive();

export const finetuneServeInput = z.strictObject({
  jobId,
  /** The counselor's (and endpoint's) name; may be left out to serve a model again under its old name. */
  name: z.string().trim().min(1, 'Name the counselor').max(80, 'Keep the name under 80 characters').regex(/^[^,]*$/, 'A counselor name cannot contain a comma').optional(),
  /** The port on the server's loopback; default the first free one from 18000. */
  port: z.number().int().min(1024, 'A port from 1024 to 65535').max(65535, 'A port from 1024 to 65535').optional(),
  /** The chat template; default the training's. */
  template: z.string().trim().max(64).regex(/^[A-Za-z0-9_.-]+$/, 'A LLaMA-Factory template name, e.g. qwen').optional(),
});

export const finetuneUnserveInput = z.strictObject({ jobId });

export interface ServedModelView {
  jobId: number;
  endpointId: number;
  endpointName: string;
  counselorName: string | null;
  /** The model name the API answers to. */
  model: string;
  remotePort: number;
  startedAt: string;
  /** When it was unserved (or failed to load); null while it is served. */
  stoppedAt: string | null;
}
