// The servers a devnet needs, found on the PATH (or where BYSTACK_NATS_SERVER / BYSTACK_REDIS_SERVER
// point), with one message that says how to install whatever is missing.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { CliError, CliErrorCode } from '../errors.ts';

export const INSTALL_HINT =
  'Install them with `sudo apt-get install nats-server redis-server` (Debian/Ubuntu), `brew install nats-server redis` (macOS), ' +
  'or point BYSTACK_NATS_SERVER / BYSTACK_REDIS_SERVER at the binaries.';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The path of `name` on the PATH, or undefined. */
export function which(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (name.includes('/')) return executable(name) ? name : undefined;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir !== '' && executable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

export type ServerBinaries = { readonly nats: string; readonly redis: string };

/** Both binaries, or one error naming every missing one. `need` leaves out servers given by URL. */
export function findServerBinaries(
  need: { nats: boolean; redis: boolean },
  env: NodeJS.ProcessEnv = process.env,
): ServerBinaries {
  const nats = need.nats ? which(env.BYSTACK_NATS_SERVER ?? 'nats-server', env) : 'nats-server';
  const redis = need.redis ? which(env.BYSTACK_REDIS_SERVER ?? 'redis-server', env) : 'redis-server';
  const missing = [nats === undefined ? 'nats-server' : '', redis === undefined ? 'redis-server' : ''].filter(Boolean);
  if (missing.length > 0) {
    throw new CliError(
      CliErrorCode.MISSING_BINARY,
      `the devnet needs ${missing.join(' and ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed (not on the PATH)`,
      INSTALL_HINT,
    );
  }
  return { nats: nats!, redis: redis! };
}
