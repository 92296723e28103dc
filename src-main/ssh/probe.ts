import type { GpuInfo, SshTestReport } from '../contract/ssh';
import type { SshSession } from './connect';
import { runChecked } from './remote-command';
// "Test": $1 the set-up line, $2 the work folder; prints `key<TAB>value` lines.
import PROBE from './scripts/probe.sh?raw';

/** Parses the probe's lines; exported for the tests of odd nvidia-smi output. */
export function parseProbe(stdout: string, hostKeyFingerprint: string): SshTestReport {
  const report: SshTestReport = { hostKeyFingerprint, gpus: [], llamaFactoryVersion: null, workdir: '', freeDiskBytes: null, warnings: [] };
  for (const line of stdout.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const key = line.slice(0, tab);
    const value = line.slice(tab + 1).trim();
    if (key === 'workdir') report.workdir = value;
    else if (key === 'llamafactory') report.llamaFactoryVersion = value;
    else if (key === 'disk') report.freeDiskBytes = /^\d+$/.test(value) ? Number(value) * 1024 : null;
    else if (key === 'warn') report.warnings.push(value);
    else if (key === 'gpu') {
      const gpu = parseGpu(value);
      if (gpu) report.gpus.push(gpu);
      else report.warnings.push(`nvidia-smi said: ${value}`);
    }
  }
  if (report.gpus.length === 0 && !report.warnings.some((w) => w.startsWith('nvidia-smi'))) report.warnings.push('No GPU found: nvidia-smi is not on PATH after the set-up line.');
  if (report.llamaFactoryVersion === null) report.warnings.push('LLaMA-Factory not found: llamafactory-cli is not on PATH after the set-up line (activate its environment there).');
  return report;
}

const parseGpu = (line: string): GpuInfo | null => {
  const m = /^(.+),\s*(\d+)$/.exec(line);
  return m ? { name: m[1]!.trim(), memoryMiB: Number(m[2]) } : null;
};

export async function probeServer(session: SshSession): Promise<SshTestReport> {
  const stdout = await runChecked(session, 'Testing the server', PROBE, [session.profile.setup, session.profile.workdir], { timeoutMs: 120_000 });
  return parseProbe(stdout, session.hostKey);
}
