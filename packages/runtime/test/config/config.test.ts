import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type ConfigError,
  ConfigErrorCode,
  type ConfigOf,
  configFilePath,
  defineConfigSchema,
  envNameOf,
  isConfigError,
  loadConfig,
  parseDuration,
  redactConfig,
  setting,
} from '../../src/config/index.ts';

const schema = defineConfigSchema({
  grpcPort: setting.port({ default: 50051 }),
  natsUrl: setting.url({ protocols: ['nats', 'tls'] }),
  logLevel: setting.enumOf(['debug', 'info', 'warn'], { default: 'info' }),
  window: setting.int({ min: 1, max: 10_000, default: 100 }),
  verifySignatures: setting.bool({ default: true }),
  shutdownTimeout: setting.duration({ default: '30s' }),
  dataDir: setting.string({ optional: true }),
  apiKey: setting.string({ optional: true, secret: true, minLength: 8 }),
  chainId: setting.string({ default: 'main', env: 'CHAIN_ID' }),
});

// Compile-time checks of the inferred config type.
type Config = ConfigOf<typeof schema>;
const typed: Config = {
  grpcPort: 1,
  natsUrl: 'nats://x',
  logLevel: 'warn',
  window: 1,
  verifySignatures: false,
  shutdownTimeout: 5,
  dataDir: undefined,
  apiKey: undefined,
  chainId: 'main',
};
void typed;
// @ts-expect-error a setting with a default is never undefined
const withDefault: Config['grpcPort'] = undefined;
void withDefault;
// @ts-expect-error an enum setting holds only its values
const badLevel: Config['logLevel'] = 'loud';
void badLevel;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(isConfigError(err), `expected ConfigError, got ${err}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

const env = (vars: Record<string, string>) => ({ env: vars, argv: [] });

describe('loadConfig', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bystack-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('applies defaults and parses env strings into typed values', () => {
    const c = loadConfig(schema, env({ BYSTACK_NATS_URL: 'nats://127.0.0.1:4222' }));
    assert.deepEqual(
      { ...c },
      {
        grpcPort: 50051,
        natsUrl: 'nats://127.0.0.1:4222',
        logLevel: 'info',
        window: 100,
        verifySignatures: true,
        shutdownTimeout: 30_000,
        chainId: 'main',
      },
    );
    assert.ok(Object.isFrozen(c));
    const d = loadConfig(
      schema,
      env({
        BYSTACK_NATS_URL: 'tls://nats.example:4222',
        BYSTACK_GRPC_PORT: '0',
        BYSTACK_WINDOW: '250',
        BYSTACK_VERIFY_SIGNATURES: 'no',
        BYSTACK_SHUTDOWN_TIMEOUT: '1m30s',
        BYSTACK_DATA_DIR: '/var/lib/bystack',
        CHAIN_ID: 'side-1',
        BYSTACK_LOG_LEVEL: '',
      }),
    );
    assert.equal(d.grpcPort, 0);
    assert.equal(d.window, 250);
    assert.equal(d.verifySignatures, false);
    assert.equal(d.shutdownTimeout, 90_000);
    assert.equal(d.dataDir, '/var/lib/bystack');
    assert.equal(d.chainId, 'side-1');
    assert.equal(d.logLevel, 'info', 'an empty variable counts as unset');
  });

  it('rejects a bad value with an error naming the setting and what was expected', () => {
    const err = configError(() =>
      loadConfig(schema, env({ BYSTACK_NATS_URL: 'nats://x:1', BYSTACK_GRPC_PORT: '70000' })),
    );
    assert.equal(err.code, ConfigErrorCode.Invalid);
    assert.equal(err.setting, 'BYSTACK_GRPC_PORT');
    assert.match(err.message, /BYSTACK_GRPC_PORT/);
    assert.match(err.message, /port number 0-65535/);
    assert.match(err.message, /got "70000"/);
    assert.equal(err.issues[0]!.key, 'grpcPort');
    assert.equal(err.issues[0]!.source, 'env');
  });

  it('checks every kind of setting and reports every problem at once', () => {
    const err = configError(() =>
      loadConfig(
        schema,
        env({
          BYSTACK_NATS_URL: 'http://wrong-scheme',
          BYSTACK_LOG_LEVEL: 'loud',
          BYSTACK_WINDOW: '0',
          BYSTACK_VERIFY_SIGNATURES: 'maybe',
          BYSTACK_SHUTDOWN_TIMEOUT: '5 parsecs',
          BYSTACK_GRPC_PORT: '12ab',
          BYSTACK_API_KEY: 'short',
        }),
      ),
    );
    const bySetting = Object.fromEntries(err.issues.map((i) => [i.setting, i]));
    assert.deepEqual(Object.keys(bySetting).sort(), [
      'BYSTACK_API_KEY',
      'BYSTACK_GRPC_PORT',
      'BYSTACK_LOG_LEVEL',
      'BYSTACK_NATS_URL',
      'BYSTACK_SHUTDOWN_TIMEOUT',
      'BYSTACK_VERIFY_SIGNATURES',
      'BYSTACK_WINDOW',
    ]);
    assert.match(bySetting.BYSTACK_NATS_URL!.expected, /URL with scheme nats or tls/);
    assert.match(bySetting.BYSTACK_LOG_LEVEL!.expected, /one of debug, info, warn/);
    assert.match(bySetting.BYSTACK_WINDOW!.expected, /integer 1-10000/);
    assert.match(bySetting.BYSTACK_VERIFY_SIGNATURES!.expected, /boolean/);
    assert.match(bySetting.BYSTACK_SHUTDOWN_TIMEOUT!.expected, /duration/);
    assert.equal(bySetting.BYSTACK_API_KEY!.got, '<redacted>', 'a secret never appears in errors');
    assert.ok(!err.message.includes('short'));
    assert.match(err.message, /7 problems/);
  });

  it('names a missing required setting', () => {
    const err = configError(() => loadConfig(schema, env({})));
    assert.equal(err.code, ConfigErrorCode.Missing);
    assert.equal(err.setting, 'BYSTACK_NATS_URL');
    assert.match(err.message, /BYSTACK_NATS_URL \(natsUrl\) is required but not set: expected a URL/);
  });

  it('merges a JSON file under the environment (env wins), typed JSON values accepted', () => {
    const file = path.join(dir, 'merge.json');
    writeFileSync(
      file,
      JSON.stringify({
        natsUrl: 'nats://file:4222',
        grpcPort: 6000,
        window: 7,
        verifySignatures: false,
        shutdownTimeout: 1500,
      }),
    );
    const c = loadConfig(schema, { env: { BYSTACK_CONFIG: file, BYSTACK_GRPC_PORT: '7000' }, argv: [] });
    assert.equal(c.natsUrl, 'nats://file:4222');
    assert.equal(c.grpcPort, 7000, 'env overrides file');
    assert.equal(c.window, 7);
    assert.equal(c.verifySignatures, false);
    assert.equal(c.shutdownTimeout, 1500);
    assert.equal(c.logLevel, 'info', 'default when neither sets it');
  });

  it('finds the file from --config, --config=, BYSTACK_CONFIG, or the option', () => {
    assert.equal(configFilePath({ argv: ['--config', '/a.json'], env: {} }), '/a.json');
    assert.equal(configFilePath({ argv: ['--x', '--config=/b.json'], env: {} }), '/b.json');
    assert.equal(configFilePath({ argv: [], env: { BYSTACK_CONFIG: '/c.json' } }), '/c.json');
    assert.equal(configFilePath({ argv: [], env: { APP_CONFIG: '/d.json' }, prefix: 'APP_' }), '/d.json');
    assert.equal(configFilePath({ file: '/e.json', argv: ['--config', '/a.json'], env: {} }), '/e.json');
    assert.equal(configFilePath({ argv: [], env: {} }), undefined);
  });

  it('names the file key of a bad file value, and rejects unknown keys', () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ natsUrl: 'nats://x:1', grpcPort: 'eighty', grpcPrt: 80 }));
    const err = configError(() => loadConfig(schema, { file, env: {}, argv: [] }));
    const codes = err.issues.map((i) => [i.code, i.setting]);
    assert.deepEqual(codes, [
      [ConfigErrorCode.UnknownKey, `grpcPrt in ${file}`],
      [ConfigErrorCode.Invalid, `grpcPort in ${file}`],
    ]);
    assert.match(err.message, /grpcPort in .*bad\.json: expected a port number/);
  });

  it('reports an unreadable or malformed file', () => {
    const missing = path.join(dir, 'nope.json');
    assert.equal(
      configError(() => loadConfig(schema, { file: missing, env: {} })).code,
      ConfigErrorCode.FileUnreadable,
    );
    const notJson = path.join(dir, 'broken.json');
    writeFileSync(notJson, '{ natsUrl: ');
    assert.equal(configError(() => loadConfig(schema, { file: notJson, env: {} })).code, ConfigErrorCode.FileMalformed);
    const array = path.join(dir, 'array.json');
    writeFileSync(array, '[1]');
    const err = configError(() => loadConfig(schema, { file: array, env: {} }));
    assert.equal(err.code, ConfigErrorCode.FileMalformed);
    assert.match(err.message, /array\.json/);
  });

  it('reports a schema default that does not parse as a bug of the schema', () => {
    const bad = defineConfigSchema({ timeout: setting.duration({ default: 'soon' }) });
    const err = configError(() => loadConfig(bad, env({})));
    assert.equal(err.code, ConfigErrorCode.BadDefault);
    assert.equal(err.setting, 'BYSTACK_TIMEOUT');
  });

  it('redacts secrets for logging', () => {
    const c = loadConfig(schema, env({ BYSTACK_NATS_URL: 'nats://x:1', BYSTACK_API_KEY: 'super-secret-key' }));
    assert.equal(c.apiKey, 'super-secret-key');
    const shown = redactConfig(schema, c);
    assert.equal(shown.apiKey, '<redacted>');
    assert.equal(shown.natsUrl, 'nats://x:1');
  });
});

describe('helpers', () => {
  it('envNameOf derives PREFIX_SNAKE_CASE', () => {
    assert.equal(envNameOf('grpcPort', setting.port()), 'BYSTACK_GRPC_PORT');
    assert.equal(envNameOf('pswvWindowSize', setting.int(), 'APP_'), 'APP_PSWV_WINDOW_SIZE');
    assert.equal(envNameOf('chainId', setting.string({ env: 'CHAIN' })), 'CHAIN');
  });

  it('parseDuration', () => {
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('10s'), 10_000);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('2m'), 120_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('42'), 42);
    for (const bad of ['', 's', '10x', '-5s', '1m 30s', '10s5']) assert.equal(parseDuration(bad), undefined, bad);
  });
});
