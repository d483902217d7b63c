// Reads a V8 CPU profile (`node --cpu-prof`, a .cpuprofile file) and names where its thread spent
// its time: self time per function, idle left out, as "share  ms  function (file:line)" lines.
import { readFileSync } from 'node:fs';
import path from 'node:path';

type ProfileNode = {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
};
type CpuProfile = {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
};

/** The `count` functions with the most self time in the profile at `file` (busy time only). */
export function hottestFunctions(file: string, count: number): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nameOf = new Map(
    profile.nodes.map(({ id, callFrame: f }) => [
      id,
      f.url === ''
        ? f.functionName
        : `${f.functionName || '(anonymous)'} (${path.basename(f.url)}:${f.lineNumber + 1})`,
    ]),
  );
  const selfUs = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const name = nameOf.get(id) ?? '?';
    selfUs.set(name, (selfUs.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  selfUs.delete('(idle)');
  const busy = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const lines = [...selfUs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => `${((us / busy) * 100).toFixed(1).padStart(5)}%  ${Math.round(us / 1000)} ms  ${name}`);
  return [`busy ${Math.round(busy / 1000)} ms in all`, ...lines];
}
