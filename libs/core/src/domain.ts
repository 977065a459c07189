/** Provider-neutral shapes shared by the HTTP layer, the use cases and the adapters. */

/**
 * A vendor's name, as accounts' `provider` and descriptors' `name` carry it. The core knows no vendor:
 * the names are those of the provider plugins the gateway registers, and the configuration loader
 * refuses any other (it is handed the registry's account classes, keyed by name).
 */
export type ProviderName = string;

export interface RateLimit {
  /** Calls allowed in any window of `windowMs`. */
  limit: number;
  windowMs: number;
}

export type ContactOutcomeKind = 'deleted' | 'not_found' | 'not_deletable' | 'failed';

export interface ContactError {
  code: string;
  detail: string;
  provider?: { name: string; code?: string; message?: string };
}

/** How a number was deleted when not one call of its own: `batch` = in a batch the vendor confirmed as a whole. */
export type DeleteVia = 'batch';

export interface ContactOutcome {
  phoneNumber?: string;
  outcome: ContactOutcomeKind;
  error?: ContactError;
  /** Only on `deleted`: the vendor confirmed the batch the number was in, not the number itself. */
  via?: DeleteVia;
}

/** How a filter delete matches the numbers' scheduled (recycle) time. */
export type ScheduleMatch = 'onOrBefore' | 'sameDay' | 'exact';

export interface ScheduledTimeFilter {
  /** RFC 3339 text as the caller sent it; its offset decides the wall-clock day and time. */
  at: string;
  match: ScheduleMatch;
}

/** Selectors and options of a contacts delete, one vendor call's worth (at most one number). */
export interface ContactSelection {
  phoneNumber?: string;
  sessionId?: string;
  customField?: string;
  scheduledTime?: ScheduledTimeFilter;
  contactName?: string;
  archive?: boolean;
}

/** The fields of a contacts delete request; providers say which they support. */
export const CONTACT_DELETE_FIELDS = [
  'phoneNumbers',
  'sessionId',
  'customField',
  'scheduledTime',
  'contactName',
  'archive',
] as const;
export type ContactDeleteField = (typeof CONTACT_DELETE_FIELDS)[number];

export type CallbackMode = 'manual' | 'automatic';

export interface CallbackRequest {
  campaignId: string;
  phoneNumber: string;
  /** RFC 3339 text as the caller sent it. */
  scheduledAt: string;
  mode: CallbackMode;
  agentId?: string;
  note?: string;
  callData?: Record<string, unknown>;
}

export interface Callback {
  id: string;
  campaignId: string;
  phoneNumber: string;
  scheduledAt: string;
  mode: CallbackMode;
}

export interface FilterDeleteResult {
  deleted: number;
}

/**
 * A batch delete's answer: `deleted` when the vendor confirmed the batch (as a whole: it says nothing
 * per number); `not_understood` when it answered something the adapter cannot read as success or as a
 * known failure, so the caller should send those numbers another way. Known failures are thrown.
 */
export type BatchDeleteResult = { kind: 'deleted' } | { kind: 'not_understood'; error: ContactError };
