import { describe, expect, it } from 'vitest';
import { createAppContext } from '../../src-main/app/context';
import { baseModelPresets, knownTemplates } from '../../src-main/finetune/config/presets';
import { tunnelledBaseUrl } from '../../src-main/llm/tunnel';
import { servedTunnels } from '../../src-main/ssh/served-models';
import { memorySecretBox } from '../support/secret-box';
import { tempDbPath } from '../support/temp';

// The served-models record (migration 016 on a real file), the LLM hook's placeholder URL,
// and the template list.

function served() {
  const ctx = createAppContext({ dbPath: tempDbPath(), secrets: memorySecretBox() });
  const profile = ctx.sshProfiles.create({ name: 'lab', host: '127.0.0.1', port: 22, user: 'wang', auth: 'agent', workdir: '~/simpsy', setup: '' });
  const job = ctx.jobs.create('finetune', 'qwen2', {});
  const endpoint = ctx.endpoints.create({ name: '微调咨询师', baseUrl: 'http://127.0.0.1:18000/v1', model: 'simpsy-job-1' });
  const counselor = ctx.arena.counselors.create({ name: '微调咨询师', endpointId: endpoint.id });
  return { ctx, profile, job, endpoint, counselor };
}

describe('served models (migration 016)', () => {
  it('records a served model, stops it, serves it again under the same endpoint', () => {
    const { ctx, profile, job, endpoint, counselor } = served();
    try {
      const row = { jobId: job.id, profileId: profile.id, remoteDir: '/data/simpsy/jobs/serve-1-x', pgid: 4242, remotePort: 18000, model: 'simpsy-job-1', endpointId: endpoint.id, counselorId: counselor.id };
      expect(ctx.servedModels.save(row)).toMatchObject({ ...row, stoppedAt: null });
      expect(ctx.servedModels.byEndpoint(endpoint.id)?.jobId).toBe(job.id);
      ctx.servedModels.markStopped(job.id);
      expect(ctx.servedModels.find(job.id)?.stoppedAt).toMatch(/^\d{4}-/);
      expect(ctx.servedModels.save({ ...row, pgid: 4343, remotePort: 18001 })).toMatchObject({ pgid: 4343, remotePort: 18001, stoppedAt: null });
      // The database itself refuses what no served model can be.
      expect(() => ctx.db.prepare('UPDATE served_models SET pgid = 0').run()).toThrow(/CHECK constraint/);
      expect(() => ctx.db.prepare('UPDATE served_models SET remote_port = 70000').run()).toThrow(/CHECK constraint/);
      const other = ctx.jobs.create('finetune', 'other', {});
      expect(() => ctx.servedModels.save({ ...row, jobId: other.id })).toThrow(/UNIQUE constraint failed: served_models.endpoint_id/);
      // An endpoint still served cannot be removed: its API would run on, unrecorded.
      expect(() => ctx.endpoints.remove(endpoint.id)).toThrow('This endpoint is a trained model still served from a GPU server; stop it first with simpsy finetune unserve and the number of its training job.');
      // A counselor removed leaves the served model without one.
      ctx.arena.counselors.remove(counselor.name);
      expect(ctx.servedModels.find(job.id)?.counselorId).toBeNull();
      // Once stopped, the endpoint goes, and its record with it.
      ctx.servedModels.markStopped(job.id);
      ctx.endpoints.remove(endpoint.id);
      expect(ctx.servedModels.find(job.id)).toBeUndefined();
    } finally {
      ctx.close();
    }
  });

  it('a served endpoint goes through a tunnel; a stopped one says how to serve it again', async () => {
    const { ctx, profile, job, endpoint } = served();
    try {
      const plain = ctx.endpoints.create({ name: 'plain', baseUrl: 'http://127.0.0.1:8000/v1', model: 'm' });
      ctx.servedModels.save({ jobId: job.id, profileId: profile.id, remoteDir: '/d', pgid: 7, remotePort: 18000, model: 'm', endpointId: endpoint.id, counselorId: null });
      expect(tunnelledBaseUrl(endpoint.id, endpoint.baseUrl)).toBe(`http://endpoint-${endpoint.id}.ssh-tunnel.invalid/v1`);
      expect(tunnelledBaseUrl(plain.id, plain.baseUrl)).toBeNull();
      expect(tunnelledBaseUrl(undefined, plain.baseUrl)).toBeNull();
      ctx.servedModels.markStopped(job.id);
      await expect(servedTunnels(ctx.servedModels, ctx.sshProfiles, ctx.tunnels).open(endpoint.id)).rejects.toThrow(
        new RegExp(`The trained model of job ${job.id} is no longer served \\(stopped .+\\)\\. Serve it again: simpsy finetune serve ${job.id}$`),
      );
    } finally {
      ctx.close();
    }
  });
});

describe("LLaMA-Factory's templates", () => {
  it("are unique and sorted, hold the presets' templates, and not the one template.py never registered", () => {
    expect([...knownTemplates].sort()).toEqual(knownTemplates);
    expect(new Set(knownTemplates).size).toBe(knownTemplates.length);
    for (const preset of baseModelPresets) expect(knownTemplates).toContain(preset.template);
    expect(knownTemplates).toEqual(expect.arrayContaining(['qwen', 'deepseek', 'qwen3', 'qwen3_nothink', 'llama3', 'glm4', 'openchat-3.6']));
    expect(knownTemplates).not.toContain('intern3');
    expect(knownTemplates).toHaveLength(124);
  });
});
