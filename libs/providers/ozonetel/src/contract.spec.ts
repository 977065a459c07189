import { MemoryTokenCache } from '@app/store';
import {
  describeProviderContract,
  ReceivedRequest,
  ScriptedAnswer,
} from '../../kit/src/contract/provider.contract';
import { OzonetelAccountConfig } from './config';
import { OZONETEL_PLUGIN } from './plugin';

const API_KEY = 'contract-ozonetel-api-key-0123456789';
/** The token the scripted vendor issues in token mode: a secret too, once the adapter sends it. */
const TOKEN = 'contract-ozonetel-bearer-token-9876543210';

const answer = (status: string, message: string) => ({
  status: 200,
  body: JSON.stringify({ status, message }),
});

const isTokenRequest = (request: ReceivedRequest) => request.path.endsWith('/generateToken');

/**
 * The same contract in both of Ozonetel's authentication modes. In token mode every test starts with
 * an empty token cache, so each call first generates a token: the vendor issues one, and the call's
 * own request gets the scripted answer (a hang or a reset hits the token request itself).
 */
for (const authMode of ['basic', 'token'] as const) {
  /** What the vendor answers `request`: a token to a token request in token mode, else `reply()`. */
  const vendorSays = (request: ReceivedRequest, reply: () => ScriptedAnswer): ScriptedAnswer =>
    authMode === 'token' && isTokenRequest(request)
      ? { status: 200, body: JSON.stringify({ token: TOKEN, message: '' }) }
      : reply();

  describe(`${authMode} authentication`, () => {
    describeProviderContract(
      OZONETEL_PLUGIN,
      {
        account: (baseUrl) =>
          Object.assign(new OzonetelAccountConfig(), {
            id: `contract-ozonetel-${authMode}`,
            baseUrl,
            userName: 'contract-user',
            apiKey: API_KEY,
            authMode,
          }),
        secrets: authMode === 'token' ? [API_KEY, TOKEN] : [API_KEY],
        sample: { campaignId: 'Renewals_Q4', phoneNumber: '9812345601' },
        success: (_call, request) => vendorSays(request, () => answer('Success', 'Deleted Successfully')),
        // Ozonetel answers in words, not codes: the words are what the error keeps.
        unknownCode: (_call, request) => ({
          answer: vendorSays(request, () => answer('false', 'Something new 4711')),
          rawCode: 'Something new 4711',
        }),
        echoing: (_call, request, text) => vendorSays(request, () => answer('false', text)),
      },
      { tokenCache: () => new MemoryTokenCache() },
    );
  });
}
