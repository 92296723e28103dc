import { z } from 'zod';
import type { ServedModelView } from './finetune-serve';
import type { JobView } from './job';
import { hostKeyFingerprint, type SshTestReport } from './ssh';

// The Fine-tuning section (issue 11): connections tested with the host-key prompt, a job
// built from runs (previewed, then submitted with upload progress), and training jobs
// followed to the end. Paths, keys and passphrases stay in main; the renderer sees views.

export const sshTestInput = z.strictObject({
  id: z.number().int().positive(),
  /** The fingerprint the person accepted after the prompt showed it (first use only). */
  acceptHostKey: hostKeyFingerprint.optional(),
});

/** "Test": the server's report, or the host key to decide on first (nothing else was sent). */
export type SshTestOutcome =
  | { kind: 'report'; report: SshTestReport }
  /** Unknown key: shown for the person to check and accept. Changed key: refused, `previous` is what was accepted. */
  | { kind: 'hostKey'; fingerprint: string; previous: string | null; message: string };

export const fineTuneModes = ['prefix', 'session'] as const;

/** A `key=value` hyper-parameter change; main checks keys, types and ranges. */
const setting = z.string().trim().regex(/^[A-Za-z_][A-Za-z0-9_]*=[^\n\r\0]{0,200}$/, 'A setting is key=value, e.g. learning_rate=2e-5').max(260);

export const fineTuneJobInput = z.strictObject({
  runIds: z.array(z.number().int().positive()).min(1, 'Choose at least one run').max(200),
  /** A preset name, a hub id or a path on the server. */
  base: z.string().trim().min(1, 'Choose a base model').max(4096),
  template: z.string().trim().max(64).optional(),
  gpus: z.number().int().min(1).max(64).optional(),
  mode: z.enum(fineTuneModes),
  settings: z.array(setting).max(100).default([]),
});
export type FineTuneJobInput = z.input<typeof fineTuneJobInput>;

export const fineTuneSubmitInput = z.strictObject({
  profileId: z.number().int().positive(),
  job: fineTuneJobInput,
  title: z.string().trim().max(200).optional(),
  /** Chosen by the window, so the upload events it gets back are this submission's. */
  submission: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
});

export const fineTuneFetchInput = z.strictObject({ id: z.number().int().positive() });

export interface BaseModelPresetView {
  name: string;
  path: string;
  template: string;
  label: string;
}

export interface FineTuneOptions {
  presets: BaseModelPresetView[];
  templates: string[];
  /** The paper's hyper-parameters (§5.2.2) as the job writes them, and the GPUs it asks for. */
  defaults: Record<string, string | number | boolean>;
  gpus: number;
  cutoffLen: number;
}

export interface FineTunePreview {
  datasetName: string;
  statistics: {
    mode: (typeof fineTuneModes)[number];
    sessions: number;
    sessionsUsed: number;
    samples: number;
    counselorTurns: number;
    tokens: number;
    trainedTokens: number;
    longest: { tokens: number; sessionId: number; turn: number } | null;
    cutoffLen: number;
    overCutoff: number;
    shape: { merged: number; empty: number; counselorOpenings: number; trailingClient: number };
  };
  /** train.yaml and ds_z3_config.json, as they will be uploaded. */
  files: Record<string, string>;
  values: Record<string, string | number | boolean>;
  env: Record<string, string>;
  gpus: number;
  effectiveBatch: number;
  steps: number | null;
  warnings: string[];
}

export interface FineTuneUploadEvent {
  submission: string;
  sent: number;
  total: number;
  file: string;
}

/** One step LLaMA-Factory logged in trainer_log.jsonl (ssh/trainer-log.ts reads them). */
export interface TrainerPointView {
  step: number;
  totalSteps: number;
  epoch: number | null;
  loss: number | null;
  lr: number | null;
  /** Seconds left, from `remaining_time` ("H:MM:SS", or "1 day, H:MM:SS"). */
  etaSeconds: number | null;
}

export interface FineTuneJobView {
  job: JobView;
  /** The connection's name, or null when it was removed. */
  connection: string | null;
  remoteDir: string;
  latest: TrainerPointView | null;
  exitCode: number | null;
  /** Its model served back (issue 11, Must-have 5): running, or stopped and servable again under the same name; null if never served. */
  served: ServedModelView | null;
}

export interface FineTuneFetchResult {
  /** null when the person cancelled the folder dialog. */
  dir: string | null;
  remoteOutput: string;
  fetched: string[];
}
