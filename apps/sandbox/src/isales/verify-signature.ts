import { createHmac, timingSafeEqual } from 'node:crypto';
import { IsalesTenant } from '../seed';
import { headerText } from '../shared/vendor-call';
import { readAuthorization } from './authorization-header';
import { buildCanonicalRequest, SignableRequest } from './canonical-request';

export type SignatureVerdict =
  { ok: true; tenant: IsalesTenant } | { ok: false; reason: string; canonicalRequest?: string };

/** signingKey = hex(HMAC-SHA256(SK, prefix)); signature = hex(HMAC-SHA256(signingKey as text, canonical)). */
export function computeSignature(
  secretKey: string,
  authStringPrefix: string,
  canonicalRequest: string,
): string {
  const signingKey = createHmac('sha256', secretKey).update(authStringPrefix, 'utf8').digest('hex');
  return createHmac('sha256', signingKey).update(canonicalRequest, 'utf8').digest('hex');
}

/**
 * Checks a request's auth-v2 signature against the tenants' keys, recomputing everything from what
 * was received. The signed host is whatever Host header arrived, so a signature made for another
 * host fails here as a mismatch.
 */
export function verifySignature(
  request: SignableRequest,
  tenants: readonly IsalesTenant[],
): SignatureVerdict {
  const reading = readAuthorization(headerText(request.headers, 'authorization'));
  if (!reading.ok) return { ok: false, reason: reading.problem };
  const auth = reading.header;

  const tenant = tenants.find((candidate) => candidate.accessKey === auth.accessKey);
  if (tenant === undefined) return { ok: false, reason: 'unknown access key' };

  const canonical = buildCanonicalRequest(request, auth);
  if (!canonical.ok)
    return { ok: false, reason: `signed header ${canonical.missingHeader} is not in the request` };

  const prefix = `auth-v2/${auth.accessKey}/${auth.timestamp}/${auth.signedHeaders}`;
  const expected = Buffer.from(computeSignature(tenant.secretKey, prefix, canonical.text), 'utf8');
  const received = Buffer.from(auth.signature, 'utf8');
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) {
    // The canonical request holds no secret and tells a client author exactly what was signed here.
    return { ok: false, reason: 'signature mismatch', canonicalRequest: canonical.text };
  }
  return { ok: true, tenant };
}
