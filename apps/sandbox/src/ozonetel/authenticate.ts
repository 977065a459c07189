import { OzonetelUser } from '../seed';
import { VendorAnswer, VendorCall } from '../shared/vendor-call';
import { ozonetelAnswer } from './answers';
import { apiKeyHeader, bearerToken } from './ozonetel-request';
import { OzonetelStore } from './ozonetel-store';
import { TokenRegistry } from './token-registry';

export type AuthOutcome = { ok: true; user: OzonetelUser } | { ok: false; answer: VendorAnswer };

/**
 * Checks a call against its user's auth mode. A bearer token selects TOKEN_AUTH; otherwise the
 * `apiKey` header is BASIC_AUTH. Using the wrong mode for the account is "Invalid action." either way
 * (documented for BASIC on a TOKEN account; the reverse is inferred).
 */
export function authenticate(
  call: VendorCall,
  userName: string | undefined,
  store: OzonetelStore,
  tokens: TokenRegistry,
  now: number,
): AuthOutcome {
  const token = bearerToken(call);
  return token === undefined
    ? authenticateBasic(call, userName, store)
    : authenticateToken(token, userName, store, tokens, now);
}

function authenticateBasic(
  call: VendorCall,
  userName: string | undefined,
  store: OzonetelStore,
): AuthOutcome {
  const apiKey = apiKeyHeader(call);
  if (apiKey === undefined) return refuse(ozonetelAnswer('apiKeyMissing'));
  if (userName === undefined) return refuse(ozonetelAnswer('userNameMissing'));
  const user = store.user(userName);
  if (user === undefined || user.apiKey !== apiKey) return refuse(ozonetelAnswer('invalidUser'));
  if (user.authMode !== 'basic') return refuse(ozonetelAnswer('invalidAction'));
  return { ok: true, user };
}

function authenticateToken(
  token: string,
  userName: string | undefined,
  store: OzonetelStore,
  tokens: TokenRegistry,
  now: number,
): AuthOutcome {
  if (userName === undefined) return refuse(ozonetelAnswer('userNameMissing'));
  const user = store.user(userName);
  if (user === undefined) return refuse(ozonetelAnswer('invalidUser'));
  if (user.authMode !== 'token') return refuse(ozonetelAnswer('invalidAction'));
  switch (tokens.check(token, userName, now)) {
    case 'valid':
      return { ok: true, user };
    case 'expired':
      return refuse(ozonetelAnswer('tokenExpired'));
    default:
      // Another user's token is as good as an unknown one.
      return refuse(ozonetelAnswer('invalidToken'));
  }
}

function refuse(answer: VendorAnswer): AuthOutcome {
  return { ok: false, answer };
}
