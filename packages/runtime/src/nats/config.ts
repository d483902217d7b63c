import { setting } from '../config/fields.ts';
import { defineConfigSchema } from '../config/load.ts';
import type { ConfigOf } from '../config/types.ts';
import type { NatsBusOptions } from './types.ts';

/** Settings of a service's NATS connection; spread into the service's schema. */
export const natsConfigSchema = defineConfigSchema({
  natsUrl: setting.string({
    default: 'nats://127.0.0.1:4222',
    pattern: /^(nats|tls):\/\/[^,\s]+(,(nats|tls):\/\/[^,\s]+)*$/,
    doc: 'NATS server URL, or several separated by commas (a cluster)',
  }),
  natsReconnectAttempts: setting.int({
    default: -1,
    min: -1,
    doc: 'Reconnect attempts per server before giving up; -1 retries forever, 0 never reconnects',
  }),
  natsReconnectWait: setting.duration({ default: '1s', doc: 'Wait between reconnect attempts' }),
  natsWaitOnFirstConnect: setting.bool({
    default: false,
    doc: 'Keep retrying the first connection under the reconnect policy instead of failing at start-up',
  }),
  natsRequestTimeout: setting.duration({ default: '5s', min: 1, doc: 'Default timeout of NATS requests' }),
  natsDrainTimeout: setting.duration({
    default: '10s',
    doc: 'Longest the NATS handlers may take to finish the messages they hold at shutdown',
  }),
});

export type NatsConfig = ConfigOf<typeof natsConfigSchema>;

/** Bus options from the loaded settings; `name` is the client name the server shows. */
export function natsBusOptionsFromConfig(config: NatsConfig, name: string): NatsBusOptions {
  return {
    servers: config.natsUrl.split(','),
    name,
    reconnect: { maxAttempts: config.natsReconnectAttempts, waitMs: config.natsReconnectWait },
    waitOnFirstConnect: config.natsWaitOnFirstConnect,
    requestTimeoutMs: config.natsRequestTimeout,
    drainTimeoutMs: config.natsDrainTimeout,
  };
}
