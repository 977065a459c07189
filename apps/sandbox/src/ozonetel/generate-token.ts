import { jsonAnswer, VendorAnswer, VendorCall } from '../shared/vendor-call';
import { ozonetelAnswer } from './answers';
import { apiKeyHeader, readOzonetelBody, textField } from './ozonetel-request';
import { OzonetelStore } from './ozonetel-store';
import { TokenRegistry } from './token-registry';

/**
 * POST /ca_apis/CAToken/generateToken: header `apiKey`, body `{userName}`. Not counted by the
 * per-minute rate limit; it has its own hourly cap, answered like the rate limit (HTTP 429).
 */
export function generateToken(
  call: VendorCall,
  store: OzonetelStore,
  tokens: TokenRegistry,
  now: number,
): VendorAnswer {
  const body = readOzonetelBody(call);
  if (body === undefined) return ozonetelAnswer('invalidJson');
  const apiKey = apiKeyHeader(call);
  if (apiKey === undefined) return ozonetelAnswer('apiKeyMissing');
  const userName = textField(body, 'userName');
  if (userName === undefined) return ozonetelAnswer('userNameMissing');
  const user = store.user(userName);
  if (user === undefined || user.apiKey !== apiKey) return ozonetelAnswer('invalidUser');
  const token = tokens.issue(user.userName, now);
  if (token === undefined) return ozonetelAnswer('maxLimit');
  return jsonAnswer(200, { token, message: '' });
}
