import { setTimeout as sleep } from 'node:timers/promises';
import { OzonetelUser } from '../seed';
import { VendorAnswer } from '../shared/vendor-call';
import { ozonetelAnswer } from './answers';
import { OzonetelBody } from './ozonetel-request';
import { OzonetelStore } from './ozonetel-store';

/** DeleteBulkData's own budget and how long one request takes to process. */
export interface BulkDeleteSettings {
  limit: number;
  windowMs: number;
  /** How long the vendor works on one request before it answers; a second request meanwhile is refused. */
  processingMs: number;
}

/** Documented: 2 requests per minute. The processing time is ours. */
export const DEFAULT_BULK_DELETE: BulkDeleteSettings = { limit: 2, windowMs: 60_000, processingMs: 200 };

/** Documented: at most 100 numbers or 100 campaign names per request. */
export const BULK_DELETE_MAX_ITEMS = 100;

/** What the sandbox saw of DeleteBulkData, for tests: how many were processed at once, at most. */
export interface BulkDeleteStats {
  processed: number;
  refusedBusy: number;
  refusedRate: number;
  maxConcurrent: number;
  /** Requests being processed right now. */
  inProgress: number;
}

/**
 * The list fields of DeleteBulkData (`phoneNumber[]`, `campaignName[]`): an array of non-empty texts,
 * or one text (taken as a list of one); undefined when missing or empty.
 */
function listField(body: OzonetelBody, key: string): string[] | undefined | 'invalid' {
  const value = body[key];
  const items: unknown[] = Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value];
  const texts: string[] = [];
  for (const item of items) {
    const text = typeof item === 'number' && Number.isFinite(item) ? String(item) : item;
    if (typeof text !== 'string') return 'invalid';
    if (text.trim() !== '') texts.push(text.trim());
  }
  return texts.length === 0 ? undefined : texts;
}

/**
 * DELETE /ca_apis/DeleteBulkData `{userName, phoneNumber[], campaignName[]}` once authenticated:
 * at most 100 of either list; every campaign name must be the user's, else the whole request fails
 * ("Passed campaign are invalid"); each listed number is deleted from each listed campaign whatever
 * its lead status. The vendor gives no per-number detail, so neither does the sandbox: numbers it
 * does not have are silently skipped (inferred).
 */
export async function deleteBulkData(
  body: OzonetelBody,
  user: OzonetelUser,
  store: OzonetelStore,
  processingMs: number,
): Promise<VendorAnswer> {
  const campaignNames = listField(body, 'campaignName');
  const phoneNumbers = listField(body, 'phoneNumber');
  if (campaignNames === 'invalid' || phoneNumbers === 'invalid') return ozonetelAnswer('invalidJson');
  if (campaignNames === undefined) return ozonetelAnswer('campaignMissing');
  if (phoneNumbers === undefined) return ozonetelAnswer('phoneNumberMissing');
  if (campaignNames.length > BULK_DELETE_MAX_ITEMS || phoneNumbers.length > BULK_DELETE_MAX_ITEMS)
    return ozonetelAnswer('bulkOverMax');
  const campaigns = campaignNames.map((name) => store.campaign(user.userName, name));
  if (campaigns.some((campaign) => campaign === undefined)) return ozonetelAnswer('campaignInvalid');
  if (processingMs > 0) await sleep(processingMs);
  const wanted = new Set(phoneNumbers);
  for (const campaign of campaigns) {
    if (campaign) campaign.numbers = campaign.numbers.filter((number) => !wanted.has(number.phoneNumber));
  }
  return ozonetelAnswer('bulkDeleted');
}
