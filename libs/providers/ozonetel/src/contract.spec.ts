import { MemoryTokenCache } from '@app/store';
import { describeProviderContract } from '../../kit/src/contract/provider.contract';
import { OzonetelAccountConfig } from './config';
import { OZONETEL_PLUGIN } from './plugin';

const API_KEY = 'contract-ozonetel-api-key-0123456789';

const answer = (status: string, message: string) => ({
  status: 200,
  body: JSON.stringify({ status, message }),
});

describeProviderContract(
  OZONETEL_PLUGIN,
  {
    account: (baseUrl) =>
      Object.assign(new OzonetelAccountConfig(), {
        id: 'contract-ozonetel',
        baseUrl,
        userName: 'contract-user',
        apiKey: API_KEY,
        authMode: 'basic' as const,
      }),
    secrets: [API_KEY],
    sample: { campaignId: 'Renewals_Q4', phoneNumber: '9812345601' },
    success: () => answer('Success', 'Deleted Successfully'),
    // Ozonetel answers in words, not codes: the words are what the error keeps.
    unknownCode: () => ({ answer: answer('false', 'Something new 4711'), rawCode: 'Something new 4711' }),
    echoing: (_call, _request, text) => answer('false', text),
  },
  { tokenCache: () => new MemoryTokenCache() },
);
