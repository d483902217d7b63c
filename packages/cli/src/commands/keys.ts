// bystack keys create | derive | show | list
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { createRootXPrv, xprvDerive } from '@bystack/protocol';
import type { Command, CommandContext } from '../cli/command.ts';
import { publicKeyToAddress } from '../cli/values.ts';
import { CliError, CliErrorCode } from '../errors.ts';
import { toHex } from '../hex.ts';
import { keysDir, loadKey, parseDerivationPath, saveKey } from '../keys/keyfile.ts';
import { createWalletKey } from '../wallet/index.ts';

function describeKey(ctx: CommandContext, name: string, xprv: Uint8Array, file: string | undefined) {
  const params = ctx.chain().params;
  const key = createWalletKey(xprv);
  const info = {
    name,
    file,
    xpub: toHex(key.xpub),
    publicKey: toHex(key.publicKey),
    address: publicKeyToAddress(key.publicKey, params),
    controlProgram: toHex(key.controlProgram),
    issuanceProgram: toHex(key.issuanceProgram),
  };
  ctx.out.line(`key       ${name}${file ? `  (${file})` : ''}`);
  ctx.out.line(`address   ${info.address}`);
  ctx.out.line(`xpub      ${info.xpub}`);
  ctx.out.line(`program   ${info.controlProgram}`);
  ctx.out.result(info);
  return info;
}

function needArg(ctx: CommandContext, index: number, what: string): string {
  const value = ctx.args[index];
  if (value === undefined) throw new CliError(CliErrorCode.BAD_ARGUMENT, `missing ${what}`);
  return value;
}

export const keysCreate: Command = {
  name: 'keys create',
  summary: 'create a key from a random seed and save it',
  usage: '[--name NAME]',
  options: { name: { type: 'string' } },
  async run(ctx) {
    const dir = keysDir(ctx.str('keys-dir'), ctx.env);
    const name = ctx.str('name') ?? ctx.args[0] ?? `key-${Date.now().toString(36)}`;
    const xprv = createRootXPrv(new Uint8Array(randomBytes(64)));
    const file = saveKey(dir, name, xprv);
    describeKey(ctx, name, xprv, file);
    return 0;
  },
};

export const keysDerive: Command = {
  name: 'keys derive',
  summary: 'derive a child key along a path (saved with --name)',
  usage: '<key> <path, e.g. m/44/153/0/0/1> [--name NAME]',
  options: { name: { type: 'string' } },
  async run(ctx) {
    const dir = keysDir(ctx.str('keys-dir'), ctx.env);
    const ref = needArg(ctx, 0, 'key');
    const pathText = needArg(ctx, 1, 'derivation path');
    const parent = loadKey(ref, dir);
    const child = xprvDerive(parent.xprv, parseDerivationPath(pathText));
    const name = ctx.str('name');
    const file = name === undefined ? undefined : saveKey(dir, name, child, { parent: ref, path: pathText });
    describeKey(ctx, name ?? `${ref}/${pathText.replace(/^m\//, '')}`, child, file);
    return 0;
  },
};

export const keysShow: Command = {
  name: 'keys show',
  summary: 'show a key’s address, xpub and programs',
  usage: '<key>',
  options: {},
  async run(ctx) {
    const dir = keysDir(ctx.str('keys-dir'), ctx.env);
    const key = loadKey(needArg(ctx, 0, 'key'), dir);
    describeKey(ctx, key.name, key.xprv, key.file);
    return 0;
  },
};

export const keysList: Command = {
  name: 'keys list',
  summary: 'list the saved keys and their addresses',
  usage: '',
  options: {},
  async run(ctx) {
    const dir = keysDir(ctx.str('keys-dir'), ctx.env);
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((f) => f.endsWith('.json'));
    } catch {
      // no directory yet: no keys
    }
    const params = ctx.chain().params;
    const keys = names.sort().map((f) => {
      const key = loadKey(path.join(dir, f), dir);
      const address = publicKeyToAddress(createWalletKey(key.xprv).publicKey, params);
      ctx.out.line(`${f.slice(0, -5).padEnd(24)} ${address}`);
      return { name: f.slice(0, -5), address };
    });
    if (keys.length === 0) ctx.out.line(`no keys in ${dir} (create one with \`bystack keys create --name alice\`)`);
    ctx.out.result({ dir, keys });
    return 0;
  },
};
