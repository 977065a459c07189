import { ProviderAdapter, VendorCallGate } from '@app/core';
import { Account } from '../../accounts/account-registry';

/** A gate with budget to spare: it only asks the claim before the send, as every gate does. */
export const SPARE_GATE: VendorCallGate = {
  run: async (ctx, call) => {
    await ctx.beforeSend?.();
    return call();
  },
};

/** The vendor's next scripted answer: returned, or thrown when it is an error. */
export function nextAnswer<T>(answers: (T | Error)[]): T {
  const answer = answers.shift();
  if (answer === undefined) throw new Error('the script has no answer left');
  if (answer instanceof Error) throw answer;
  return answer;
}

/** The account a deleter is given, around a scripted adapter. */
export function accountOf(adapter: ProviderAdapter): Account {
  return {
    id: 'acct',
    descriptor: adapter.descriptor,
    rateLimit: { limit: 10, windowMs: 1000 },
    marginMs: 100,
    adapter,
  };
}
