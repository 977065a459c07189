/**
 * The shape of the sandbox's vendor state. A seed is the state a server starts from and returns to on
 * `POST /__sandbox/reset`; `GET /__sandbox/state` answers with the same shape for that vendor.
 */

/** 1 draft (inferred), 2 running, 3 suspended, 4 completed. */
export type IsalesCampaignStatus = 1 | 2 | 3 | 4;

/** `calling` and `called` numbers cannot be deleted (0200028). */
export type IsalesNumberState = 'pending' | 'calling' | 'called';

export interface IsalesNumber {
  called: string;
  sessionId?: string;
  customField?: string;
  /** `yyyy-mm-dd hh:mm:ss` in the tenant's zone, compared as text by the recycleTime selectors. */
  recycleTime?: string;
  state: IsalesNumberState;
}

/** Where a created reservation's id is answered: the seed page's example, or Huawei's field table. */
export type IsalesAppointIdField = 'id' | 'appointId';

export interface IsalesTenant {
  vdnId: number;
  accessKey: string;
  secretKey: string;
  /** `returnObject.id` (the default, as the seed page's example) or `returnObject.appointId`. */
  appointIdField?: IsalesAppointIdField;
  /**
   * The server's zone (IANA name, default UTC). Numbers' `recycleTime` is local wall-clock text in it,
   * as the server stores it; the control API converts instants into it.
   */
  timeZone?: string;
}

export interface IsalesCampaign {
  vdnId: number;
  /** Numeric text, as it appears in URLs and in `taskId`. */
  id: string;
  name: string;
  status: IsalesCampaignStatus;
  numbers: IsalesNumber[];
}

/** `calling` reservations cannot be deleted (04000005). */
export type IsalesReservationState = 'pending' | 'calling';

export interface IsalesReservation {
  /** 30-digit numeric text. */
  id: string;
  vdnId: number;
  taskId: string;
  calledNo: string;
  callType: 1 | 2;
  /** Epoch milliseconds. */
  appointTime: number;
  userAccount?: string;
  remark?: string;
  callData?: string;
  state: IsalesReservationState;
}

export interface IsalesState {
  tenants: IsalesTenant[];
  campaigns: IsalesCampaign[];
  /** Called numbers that cannot be reserved (04000003). */
  blocklist: string[];
  reservations: IsalesReservation[];
}

export type OzonetelAuthMode = 'basic' | 'token';

export interface OzonetelUser {
  userName: string;
  apiKey: string;
  authMode: OzonetelAuthMode;
}

export interface OzonetelCampaignNumber {
  phoneNumber: string;
  name?: string;
}

/** Only used by the optional setCampaignStatus / campaignStatus routes; absent means Running. */
export type OzonetelCampaignStatus = 'Running' | 'Stopped';

export interface OzonetelCampaign {
  userName: string;
  name: string;
  numbers: OzonetelCampaignNumber[];
  status?: OzonetelCampaignStatus;
}

export interface OzonetelRateLimit {
  limit: number;
  windowMs: number;
}

export interface OzonetelState {
  users: OzonetelUser[];
  campaigns: OzonetelCampaign[];
  rateLimit: OzonetelRateLimit;
  tokenTtlMs: number;
  maxTokensPerHour: number;
}

export const DEFAULT_OZONETEL_RATE_LIMIT: OzonetelRateLimit = { limit: 100, windowMs: 60_000 };
export const DEFAULT_TOKEN_TTL_MS = 3_600_000;
export const DEFAULT_MAX_TOKENS_PER_HOUR = 10;
