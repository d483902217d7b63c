// The nats-server binaries the JetStream tests run against: the system one (Debian 12: 2.9.10) and,
// when installed by scripts/install-nats-2.10.sh (or named by BYSTACK_NATS_SERVER_2_10), 2.10.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const NATS_2_10_DEFAULT_PATH = '/opt/bystack/nats-server-2.10/nats-server';

export type NatsBinary = { readonly label: string; readonly binary: string };

function versionOf(binary: string): string {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8' })
      .trim()
      .replace(/^nats-server:\s*/, '');
  } catch {
    return 'unknown version';
  }
}

let warned = false;

export function natsBinaries(): NatsBinary[] {
  const system = process.env.BYSTACK_NATS_SERVER ?? 'nats-server';
  const list: NatsBinary[] = [{ label: `nats-server ${versionOf(system)}`, binary: system }];
  const v210 = process.env.BYSTACK_NATS_SERVER_2_10 ?? NATS_2_10_DEFAULT_PATH;
  if (existsSync(v210)) {
    list.push({ label: `nats-server ${versionOf(v210)}`, binary: v210 });
  } else if (!warned) {
    warned = true;
    console.warn(
      `\n!!! nats-server 2.10 not found at ${v210}: the JetStream tests run against ${list[0]?.label} ONLY.\n` +
        '!!! Install it with scripts/install-nats-2.10.sh, or point BYSTACK_NATS_SERVER_2_10 at a 2.10 binary.\n',
    );
  }
  return list;
}
