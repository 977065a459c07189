import { createHash } from 'node:crypto';
import { accessSync, constants, readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parse as parseYaml } from 'yaml';
import { flattenValidationErrors } from '@app/core';
import { BaseAccountConfig } from './account-config';
import { ConfigError } from './config-error';
import {
  Client,
  DEFAULT_SETTINGS,
  GatewayConfig,
  ClientConfig,
  GatewayFileConfig,
  GatewaySettings,
} from './gateway-config';
import { interpolateEnv } from './interpolate-env';

export type AccountConfigClass = new () => BaseAccountConfig;

export interface ParseConfigOptions {
  /** The configuration class of each provider, keyed by the `provider` value. */
  accountClasses: Record<string, AccountConfigClass>;
  env?: NodeJS.ProcessEnv;
  /** Folder that relative `caFile` paths are read from. */
  baseDir?: string;
  source?: string;
}

const VALIDATE_STRICT = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true } as const;

/** Reads, interpolates and validates a JSON or YAML configuration file; throws ConfigError naming the field. */
export function loadGatewayConfig(
  path: string,
  options: Omit<ParseConfigOptions, 'baseDir' | 'source'>,
): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      'GATEWAY_CONFIG',
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let raw: unknown;
  try {
    raw = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      'GATEWAY_CONFIG',
      `is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    );
  }
  return parseGatewayConfig(raw, { ...options, baseDir: dirname(resolve(path)), source: resolve(path) });
}

export function parseGatewayConfig(raw: unknown, options: ParseConfigOptions): GatewayConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError('(root)', 'must be an object with "clients" and "accounts"');
  }
  const interpolated = interpolateEnv(
    normaliseGrants(raw as Record<string, unknown>),
    options.env ?? process.env,
  );
  const file = plainToInstance(GatewayFileConfig, interpolated);
  throwFirst(validateSync(file, VALIDATE_STRICT));

  const accounts = file.accounts.map((account, index) => parseAccount(account, index, options));
  checkUnique(
    accounts.map((a) => a.id),
    (i) => `accounts[${i}].id`,
  );
  checkUnique(
    file.clients.map((c) => c.id),
    (i) => `clients[${i}].id`,
  );
  const keyHashes = file.clients.map((client, c) => clientKeyHashes(client, `clients[${c}]`));
  checkUniqueKeys(keyHashes);

  const accountIds = new Set(accounts.map((a) => a.id));
  const clients: Client[] = file.clients.map((client, c) => ({
    id: client.id,
    keyHashes: keyHashes[c].map(({ hash }) => hash),
    grants: client.accounts.map((grant, g) => {
      if (grant.id !== '*' && !accountIds.has(grant.id)) {
        throw new ConfigError(
          `clients[${c}].accounts[${g}].id`,
          `names the account "${grant.id}", which is not configured`,
        );
      }
      return { accountId: grant.id, capabilities: grant.capabilities };
    }),
  }));

  const settings: GatewaySettings = { ...DEFAULT_SETTINGS, ...stripUndefined(file.settings ?? {}) };
  return { clients, accounts, settings, source: options.source ?? '(inline)' };
}

function parseAccount(
  raw: Record<string, unknown>,
  index: number,
  options: ParseConfigOptions,
): BaseAccountConfig {
  const path = `accounts[${index}]`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigError(path, 'must be an object');
  const provider = raw.provider;
  const cls = typeof provider === 'string' ? options.accountClasses[provider] : undefined;
  if (!cls) {
    throw new ConfigError(
      `${path}.provider`,
      `must be one of: ${Object.keys(options.accountClasses).join(', ')}`,
    );
  }
  const account = plainToInstance(cls, raw);
  throwFirst(validateSync(account, VALIDATE_STRICT), path);
  if (new URL(account.baseUrl).protocol === 'http:' && account.allowInsecureHttp !== true) {
    throw new ConfigError(
      `${path}.baseUrl`,
      "is plain http://, which would send the account's credentials in clear: use https://, or set " +
        `${path}.allowInsecureHttp: true for a sandbox`,
    );
  }
  if (account.caFile) {
    account.caFile = isAbsolute(account.caFile)
      ? account.caFile
      : resolve(options.baseDir ?? process.cwd(), account.caFile);
    try {
      accessSync(account.caFile, constants.R_OK);
    } catch {
      throw new ConfigError(`${path}.caFile`, 'names a file that cannot be read');
    }
  }
  return account;
}

/** Lets clients write `"accounts": ["*", "cn-isales"]` as well as full grant objects. */
function normaliseGrants(raw: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(raw.clients)) return raw;
  const clients: unknown[] = raw.clients.map((client: unknown) => {
    if (
      client === null ||
      typeof client !== 'object' ||
      !Array.isArray((client as { accounts?: unknown }).accounts)
    ) {
      return client;
    }
    const accounts = (client as { accounts: unknown[] }).accounts.map((grant) =>
      typeof grant === 'string' ? { id: grant } : grant,
    );
    return { ...client, accounts };
  });
  return { ...raw, clients };
}

function throwFirst(errors: Parameters<typeof flattenValidationErrors>[0], parent = ''): void {
  const [first] = flattenValidationErrors(errors, parent);
  if (first)
    throw new ConfigError(
      first.field,
      first.message.replace(/^an unknown value was passed to the validate function$/, 'is not an object'),
    );
}

/** The shortest client key `key` accepts: 32 characters of a random token carry enough entropy. */
export const MIN_CLIENT_KEY_LENGTH = 32;
/** What a bearer token may hold (see the gateway's Authorization parser): visible ASCII, at most 512. */
const CLIENT_KEY = /^[\x21-\x7e]{1,512}$/;
const KEY_SHA256 = /^[0-9a-fA-F]{64}$/;
/** Keys a client may hold at once: two while rotating, and a little room. */
const MAX_KEYS_PER_CLIENT = 4;

interface KeyHash {
  hash: string;
  field: string;
}

/**
 * A client's keys as SHA-256 hashes, each with the field it came from: `keySha256` (one hash or a
 * list) and `key` (one key or a list, normally `${ENV}` secrets). Only `key` can be held to a minimum
 * length: a hash says nothing about the length of what was hashed.
 */
function clientKeyHashes(client: ClientConfig, path: string): KeyHash[] {
  const hashes: KeyHash[] = [];
  const listOf = (field: 'keySha256' | 'key'): { value: unknown; field: string }[] => {
    const value = client[field];
    if (value === undefined) return [];
    if (!Array.isArray(value)) return [{ value, field: `${path}.${field}` }];
    if (value.length === 0) throw new ConfigError(`${path}.${field}`, 'must not be an empty list');
    return (value as unknown[]).map((item, i) => ({ value: item, field: `${path}.${field}[${i}]` }));
  };
  for (const { value, field } of listOf('keySha256')) {
    if (typeof value !== 'string' || !KEY_SHA256.test(value)) {
      throw new ConfigError(field, 'keySha256 must be the 64-digit hex SHA-256 of the client key');
    }
    hashes.push({ hash: value.toLowerCase(), field });
  }
  for (const { value, field } of listOf('key')) {
    if (typeof value !== 'string' || !CLIENT_KEY.test(value)) {
      throw new ConfigError(field, 'must be a client key of visible ASCII characters (at most 512)');
    }
    if (value.length < MIN_CLIENT_KEY_LENGTH) {
      throw new ConfigError(
        field,
        `is ${value.length} characters long; a client key must have at least ${MIN_CLIENT_KEY_LENGTH}`,
      );
    }
    hashes.push({ hash: createHash('sha256').update(value).digest('hex'), field });
  }
  if (hashes.length === 0) {
    throw new ConfigError(`${path}.keySha256`, 'is required (or key): the SHA-256 of the client key');
  }
  if (hashes.length > MAX_KEYS_PER_CLIENT) {
    throw new ConfigError(
      hashes[MAX_KEYS_PER_CLIENT].field,
      `is one key too many: a client holds at most ${MAX_KEYS_PER_CLIENT}`,
    );
  }
  return hashes;
}

/** A key opens one client: the same key twice (in one client or two) is refused, named. */
function checkUniqueKeys(clients: KeyHash[][]): void {
  const seen = new Set<string>();
  for (const { hash, field } of clients.flat()) {
    if (seen.has(hash)) throw new ConfigError(field, 'repeats a client key: each key opens one client');
    seen.add(hash);
  }
}

function checkUnique(values: string[], pathOf: (index: number) => string): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) throw new ConfigError(pathOf(index), 'repeats a value that must be unique');
    seen.add(value);
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
