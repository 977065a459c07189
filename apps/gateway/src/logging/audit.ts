import {
  CallContext,
  Callback,
  CallbackRequest,
  ContactOutcome,
  GatewayError,
  ProviderAdapter,
} from '@app/core';
import { currentWorkScope } from '../telemetry/work-scope';

/** What writes the audit lines: a pino logger (the request's, when there is one). */
export interface AuditSink {
  info(fields: object, message: string): void;
}

/** The mutating port methods, each with its action name and what it acts on. */
const ACTIONS = {
  deleteCampaign: { action: 'campaign.delete', target: (args) => ({ campaignId: args[0] }) },
  pauseCampaign: { action: 'campaign.pause', target: (args) => ({ campaignId: args[0] }) },
  resumeCampaign: { action: 'campaign.resume', target: (args) => ({ campaignId: args[0] }) },
  deleteContact: {
    action: 'contact.delete',
    target: (args) => ({
      campaignId: args[0],
      phoneNumber: (args[1] as { phoneNumber?: string } | undefined)?.phoneNumber,
    }),
  },
  deleteContactsByFilter: {
    action: 'contacts.delete_by_filter',
    target: (args) => ({ campaignId: args[0] }),
  },
  createCallback: {
    action: 'callback.create',
    target: (args) => {
      const request = args[0] as CallbackRequest;
      return { campaignId: request.campaignId, phoneNumber: request.phoneNumber };
    },
  },
  cancelCallback: { action: 'callback.cancel', target: (args) => ({ callbackId: args[0] }) },
} satisfies Partial<Record<keyof ProviderAdapter, { action: string; target: (args: unknown[]) => object }>>;

/**
 * The adapter with one audit line per mutating call it makes to the vendor: who (client), on which
 * account, what (action, target), how it ended (outcome: `ok`, the number's outcome, or the problem
 * code; `sent: false` when nothing reached the vendor), with the request id and (by the log mixin) the
 * trace id. Every line has `"log":"audit"`, so a log router can send them to a sink of their own.
 */
export function audited(
  adapter: ProviderAdapter,
  sink: AuditSink,
  /** Told each call's result class (the outcome or problem code, without counts or ids), for metrics. */
  onResult?: (action: string, result: string) => void,
): ProviderAdapter {
  const wrappers = new Map<PropertyKey, unknown>();
  for (const [method, { action, target }] of Object.entries(ACTIONS)) {
    const original = (adapter as unknown as Record<string, unknown>)[method];
    if (typeof original !== 'function') continue;
    wrappers.set(method, async (...args: unknown[]) => {
      const ctx = args[args.length - 1] as CallContext;
      const line = {
        log: 'audit',
        clientId: ctx.clientId ?? ctx.tenant,
        account: adapter.accountId,
        action,
        target: target(args),
        requestId: ctx.requestId,
        ...currentWorkScope(),
      };
      try {
        const call = original as (...a: unknown[]) => Promise<unknown>;
        const result: unknown = await call.apply(adapter, args);
        const outcome = outcomeOf(result);
        sink.info({ ...line, outcome }, 'audit');
        onResult?.(action, outcome.split(':')[0]);
        return result;
      } catch (error) {
        const gatewayError = error instanceof GatewayError ? error : undefined;
        sink.info(
          {
            ...line,
            outcome: gatewayError?.code ?? 'internal_error',
            ...(gatewayError?.notProcessed ? { sent: false } : {}),
          },
          'audit',
        );
        onResult?.(action, gatewayError?.code ?? 'internal_error');
        throw error;
      }
    });
  }
  // Everything else is the adapter's own, called on the adapter itself.
  return new Proxy(adapter, {
    get(target, property) {
      if (wrappers.has(property)) return wrappers.get(property);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function outcomeOf(result: unknown): string {
  if (result && typeof result === 'object') {
    if ('outcome' in result) return (result as ContactOutcome).outcome;
    if ('deleted' in result) return `deleted:${String(result.deleted)}`;
    if ('id' in result) return `created:${(result as Callback).id}`;
  }
  return 'ok';
}
