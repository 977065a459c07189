import {
  DEFAULT_MAX_TOKENS_PER_HOUR,
  DEFAULT_OZONETEL_RATE_LIMIT,
  DEFAULT_TOKEN_TTL_MS,
  IsalesCampaign,
  IsalesNumber,
  IsalesReservation,
  IsalesState,
  IsalesTenant,
  OzonetelCampaign,
  OzonetelCampaignNumber,
  OzonetelRateLimit,
  OzonetelState,
  OzonetelUser,
} from './seed';
import {
  readArray,
  readInteger,
  readOneOf,
  readOptionalText,
  readRecord,
  readText,
  ShapeError,
} from './shared/shape';
import { isKnownTimeZone } from './shared/local-time';

/*
 * Seeds and replacement states are read field by field into fresh objects: the result never shares
 * references with the input, so a caller's object cannot change the sandbox's state behind its back.
 */

function readIsalesNumber(value: unknown, path: string): IsalesNumber {
  const raw = readRecord(value, path);
  return withoutUndefined({
    called: readText(raw.called, `${path}.called`),
    sessionId: readOptionalText(raw.sessionId, `${path}.sessionId`),
    customField: readOptionalText(raw.customField, `${path}.customField`),
    recycleTime: readOptionalText(raw.recycleTime, `${path}.recycleTime`),
    state: readOneOf(raw.state ?? 'pending', `${path}.state`, ['pending', 'calling', 'called'] as const),
  });
}

function readIsalesTenant(value: unknown, path: string): IsalesTenant {
  const raw = readRecord(value, path);
  return withoutUndefined({
    vdnId: readInteger(raw.vdnId, `${path}.vdnId`, 1, 9999),
    accessKey: readText(raw.accessKey, `${path}.accessKey`),
    secretKey: readText(raw.secretKey, `${path}.secretKey`),
    appointIdField:
      raw.appointIdField === undefined
        ? undefined
        : readOneOf(raw.appointIdField, `${path}.appointIdField`, APPOINT_ID_FIELDS),
    timeZone: raw.timeZone === undefined ? undefined : readTimeZone(raw.timeZone, `${path}.timeZone`),
  });
}

function readTimeZone(value: unknown, path: string): string {
  const zone = readText(value, path);
  if (!isKnownTimeZone(zone))
    throw new ShapeError(path, 'expected an IANA time zone name such as Asia/Kolkata');
  return zone;
}

export const APPOINT_ID_FIELDS = ['id', 'appointId'] as const;

export type TenantSwitches = Pick<IsalesTenant, 'appointIdField' | 'timeZone'>;

/** The switch fields of a control body: each one given is set (null: back to the default). */
export function readTenantSwitches(value: unknown): TenantSwitches {
  const raw = readRecord(value, 'body');
  const known = ['appointIdField', 'timeZone'];
  const unknown = Object.keys(raw).find((key) => !known.includes(key));
  if (unknown !== undefined) throw new ShapeError(`body.${unknown}`, `expected one of ${known.join(', ')}`);
  const switches: TenantSwitches = {};
  if ('appointIdField' in raw) {
    switches.appointIdField =
      raw.appointIdField === null
        ? undefined
        : readOneOf(raw.appointIdField, 'body.appointIdField', APPOINT_ID_FIELDS);
  }
  if ('timeZone' in raw) {
    switches.timeZone = raw.timeZone === null ? undefined : readTimeZone(raw.timeZone, 'body.timeZone');
  }
  return switches;
}

function readIsalesCampaign(value: unknown, path: string): IsalesCampaign {
  const raw = readRecord(value, path);
  const id = readText(raw.id, `${path}.id`);
  if (!/^\d+$/.test(id)) throw new ShapeError(`${path}.id`, 'expected numeric text');
  return {
    vdnId: readInteger(raw.vdnId, `${path}.vdnId`, 1, 9999),
    id,
    name: readText(raw.name, `${path}.name`),
    status: readOneOf(raw.status, `${path}.status`, [1, 2, 3, 4] as const),
    numbers: readArray(raw.numbers ?? [], `${path}.numbers`, readIsalesNumber),
  };
}

function readIsalesReservation(value: unknown, path: string): IsalesReservation {
  const raw = readRecord(value, path);
  return withoutUndefined({
    id: readText(raw.id, `${path}.id`),
    vdnId: readInteger(raw.vdnId, `${path}.vdnId`, 1, 9999),
    taskId: readText(raw.taskId, `${path}.taskId`),
    calledNo: readText(raw.calledNo, `${path}.calledNo`),
    callType: readOneOf(raw.callType, `${path}.callType`, [1, 2] as const),
    appointTime: readInteger(raw.appointTime, `${path}.appointTime`, 0),
    userAccount: readOptionalText(raw.userAccount, `${path}.userAccount`),
    remark: readOptionalText(raw.remark, `${path}.remark`),
    callData: readOptionalText(raw.callData, `${path}.callData`),
    state: readOneOf(raw.state ?? 'pending', `${path}.state`, ['pending', 'calling'] as const),
  });
}

export function readIsalesState(value: unknown, path = 'isales'): IsalesState {
  const raw = readRecord(value, path);
  return {
    tenants: readArray(raw.tenants, `${path}.tenants`, readIsalesTenant),
    campaigns: readArray(raw.campaigns ?? [], `${path}.campaigns`, readIsalesCampaign),
    blocklist: readArray(raw.blocklist ?? [], `${path}.blocklist`, readText),
    reservations: readArray(raw.reservations ?? [], `${path}.reservations`, readIsalesReservation),
  };
}

function readOzonetelUser(value: unknown, path: string): OzonetelUser {
  const raw = readRecord(value, path);
  return {
    userName: readText(raw.userName, `${path}.userName`),
    apiKey: readText(raw.apiKey, `${path}.apiKey`),
    authMode: readOneOf(raw.authMode ?? 'basic', `${path}.authMode`, ['basic', 'token'] as const),
  };
}

function readOzonetelNumber(value: unknown, path: string): OzonetelCampaignNumber {
  const raw = readRecord(value, path);
  return withoutUndefined({
    phoneNumber: readText(raw.phoneNumber, `${path}.phoneNumber`),
    name: readOptionalText(raw.name, `${path}.name`),
  });
}

function readOzonetelCampaign(value: unknown, path: string): OzonetelCampaign {
  const raw = readRecord(value, path);
  return withoutUndefined({
    userName: readText(raw.userName, `${path}.userName`),
    name: readText(raw.name, `${path}.name`),
    numbers: readArray(raw.numbers ?? [], `${path}.numbers`, readOzonetelNumber),
    status:
      raw.status === undefined
        ? undefined
        : readOneOf(raw.status, `${path}.status`, ['Running', 'Stopped'] as const),
  });
}

export function readRateLimit(value: unknown, path: string): OzonetelRateLimit {
  const raw = readRecord(value, path);
  return {
    limit: readInteger(raw.limit, `${path}.limit`, 1),
    windowMs: readInteger(raw.windowMs, `${path}.windowMs`, 1),
  };
}

export function readOzonetelState(value: unknown, path = 'ozonetel'): OzonetelState {
  const raw = readRecord(value, path);
  return {
    users: readArray(raw.users, `${path}.users`, readOzonetelUser),
    campaigns: readArray(raw.campaigns ?? [], `${path}.campaigns`, readOzonetelCampaign),
    rateLimit:
      raw.rateLimit === undefined
        ? { ...DEFAULT_OZONETEL_RATE_LIMIT }
        : readRateLimit(raw.rateLimit, `${path}.rateLimit`),
    tokenTtlMs: readInteger(raw.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS, `${path}.tokenTtlMs`, 1),
    maxTokensPerHour: readInteger(
      raw.maxTokensPerHour ?? DEFAULT_MAX_TOKENS_PER_HOUR,
      `${path}.maxTokensPerHour`,
      0,
    ),
  };
}

/** Optional fields are left out rather than set to undefined, so state snapshots compare cleanly. */
function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}
