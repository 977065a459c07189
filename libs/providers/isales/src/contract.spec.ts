import { MemoryTokenCache } from '@app/store';
import { describeProviderContract } from '../../kit/src/contract/provider.contract';
import { IsalesAccountConfig } from './config';
import { ISALES_SUCCESS_CODE } from './dto';
import { ISALES_PLUGIN } from './plugin';

const ACCESS_KEY = 'contract-access-key';
const SECRET_KEY = 'contract-secret-key-0123456789';

const envelope = (code: string, description: string, extra: object = {}) => ({
  status: 200,
  body: JSON.stringify({ resultCode: code, resultDesc: description, returnCode: code, ...extra }),
});

describeProviderContract(
  ISALES_PLUGIN,
  {
    account: (baseUrl) =>
      Object.assign(new IsalesAccountConfig(), {
        id: 'contract-isales',
        provider: 'isales' as const,
        baseUrl,
        vdnId: 101,
        accessKey: ACCESS_KEY,
        secretKey: SECRET_KEY,
      }),
    secrets: [ACCESS_KEY, SECRET_KEY],
    // The signature travels in the Authorization header: an echo of it must not come back either.
    requestSecrets: (request) => [String(request.headers.authorization ?? '')].filter(Boolean),
    sample: {
      campaignId: '1001',
      phoneNumber: '66660001',
      callbackId: '42',
      filter: { sessionId: 'sess-6' },
    },
    // Every iSales success is the envelope; deletes count, creates carry the new id.
    success: () => envelope(ISALES_SUCCESS_CODE, 'success', { successCount: 1, returnObject: { id: '7' } }),
    unknownCode: () => ({ answer: envelope('0299999', 'something new'), rawCode: '0299999' }),
    echoing: (_call, _request, text) => envelope('0200001', text),
  },
  { tokenCache: () => new MemoryTokenCache() },
);
