import { setting } from '../config/fields.ts';
import { defineConfigSchema } from '../config/load.ts';

/** Settings every service has, added to its own schema. */
export const runtimeConfigSchema = defineConfigSchema({
  logLevel: setting.enumOf(['debug', 'info', 'warn', 'error', 'silent'], {
    default: 'info',
    doc: 'Minimum level of the JSON log lines on stdout',
  }),
  shutdownTimeout: setting.duration({
    default: '30s',
    doc: 'Longest a graceful shutdown may take (all drains and closes) before the process exits with 1',
  }),
});
