import { IsalesTenant } from '../seed';
import { IsalesBody } from './field-readers';
import { IsalesStore } from './isales-store';
import { IsalesEnvelope } from './result-codes';

/** A request that passed the signature, vdnId and body checks. */
export interface IsalesRequest {
  /** The tenant's own vdnId, taken from the URL. */
  vdnId: number;
  /** The signing tenant (its switches: which id field, which time zone). */
  tenant: IsalesTenant;
  params: Record<string, string>;
  query: Record<string, string>;
  /** Empty object when no body was sent. */
  body: IsalesBody;
  now: number;
}

/** One iSales operation: answers an envelope or throws IsalesRejection. */
export type IsalesOperation = (request: IsalesRequest, store: IsalesStore) => IsalesEnvelope;
