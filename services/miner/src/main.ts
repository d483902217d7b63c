// The miner process: `node services/miner/src/main.ts`, configured by BYSTACK_* variables.
import { createLogger, ExitCode, isConfigError, loadServiceConfig, runService } from '@bystack/runtime';
import { minerConfigSchema, resolveMinerConfig } from './config.ts';
import { buildMiner } from './service.ts';

// Settings that depend on one another (the coinbase program on mainnet, say) are checked before
// the service starts, so a bad deployment exits 78 with the setting named, as a bad value does.
try {
  resolveMinerConfig(loadServiceConfig(minerConfigSchema));
} catch (err) {
  if (!isConfigError(err)) throw err;
  createLogger({ service: 'miner' }).error(err.message, { code: err.code, setting: err.setting, issues: err.issues });
  process.exit(ExitCode.ConfigInvalid);
}

await runService({ name: 'miner', configSchema: minerConfigSchema, build: buildMiner });
