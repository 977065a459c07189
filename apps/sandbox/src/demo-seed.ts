import { IsalesNumber, IsalesState, OzonetelState } from './seed';

/*
 * The state `npm start` serves. The README's curl walk-through relies on these exact values, so change
 * them only together with it. Functions, not constants, so no caller can mutate a shared copy.
 */

export function isalesDemoSeed(): IsalesState {
  return {
    // A server in China: recycle times are Shanghai wall-clock text (accounts say timeZone Asia/Shanghai).
    tenants: [{ vdnId: 101, accessKey: 'sandbox-ak', secretKey: 'sandbox-sk', timeZone: 'Asia/Shanghai' }],
    campaigns: [
      { vdnId: 101, id: '1001', name: 'Spring renewals', status: 3, numbers: springRenewalNumbers() },
      {
        vdnId: 101,
        id: '1002',
        name: 'Winter offers',
        status: 2,
        numbers: numberRange(77770001, 5).map((called) => ({ called, state: 'pending' as const })),
      },
      { vdnId: 101, id: '1003', name: 'Autumn survey', status: 4, numbers: [] },
      { vdnId: 101, id: '1004', name: 'Draft campaign', status: 1, numbers: [] },
    ],
    blocklist: ['66669999'],
    reservations: [],
  };
}

export function ozonetelDemoSeed(): OzonetelState {
  return {
    users: [
      { userName: 'acme', apiKey: 'sandbox-ozonetel-key', authMode: 'basic' },
      { userName: 'acme-token', apiKey: 'sandbox-ozonetel-token-key', authMode: 'token' },
    ],
    campaigns: [
      {
        userName: 'acme',
        name: 'Renewals_Q4',
        // One contact carries a name, so `contactName` can be tried in the walk-through.
        numbers: numberRange(9812345601, 20).map((phoneNumber, index) =>
          index === 0 ? { phoneNumber, name: 'Asha' } : { phoneNumber },
        ),
      },
      {
        userName: 'acme-token',
        name: 'Collections',
        numbers: numberRange(9812345701, 10).map((phoneNumber) => ({ phoneNumber })),
      },
    ],
    rateLimit: { limit: 100, windowMs: 60_000 },
    tokenTtlMs: 3_600_000,
    maxTokensPerHour: 10,
  };
}

/** 66660001..66660010, each one set up for a different deletion case. */
function springRenewalNumbers(): IsalesNumber[] {
  return numberRange(66660001, 10).map((called): IsalesNumber => {
    const tail = Number(called) - 66660000;
    const number: IsalesNumber = { called, state: 'pending' };
    if (tail >= 3 && tail <= 5) number.customField = 'batch-7';
    if (tail === 6) number.sessionId = 'sess-6';
    if (tail === 7) number.recycleTime = '2026-12-04 17:57:00';
    if (tail === 9) number.state = 'calling';
    if (tail === 10) number.state = 'called';
    return number;
  });
}

function numberRange(first: number, count: number): string[] {
  return Array.from({ length: count }, (_, index) => String(first + index));
}
