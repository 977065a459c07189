import {
  CallContext,
  Capability,
  ContactSelection,
  GatewayError,
  isGatewayError,
  ProviderAdapter,
  ProviderDescriptor,
  TokenCache,
  VendorCallGate,
} from '@app/core';
import { missingCapabilityMethods } from '../capability-methods';
import { PluginAccount, ProviderPlugin } from '../plugin';
import { ReceivedRequest, ScriptedAnswer, ScriptedVendor } from './scripted-vendor';

export type { ReceivedRequest, ScriptedAnswer } from './scripted-vendor';

/** What the suite calls: every capability, and the batch delete of a vendor that has one. */
export type ContractCall = Capability | 'contacts.delete.batch';

/**
 * What a provider tells the suite about its vendor: an account, valid arguments, and how the vendor
 * words a success, an unknown code and an answer that echoes text back.
 */
export interface ProviderContractFixture<C extends PluginAccount> {
  /** An account whose API is at `baseUrl` (plain HTTP on loopback). */
  account(baseUrl: string): C;
  /** Every secret of that account. */
  secrets: readonly string[];
  /** Secrets a request carries beyond the account's own (a signature, a token), if any. */
  requestSecrets?(request: ReceivedRequest): string[];
  /** Valid arguments for this vendor. */
  sample: {
    campaignId: string;
    phoneNumber: string;
    callbackId?: string;
    /** A filter for `contacts.delete.byFilter`. */
    filter?: ContactSelection;
  };
  success(call: ContractCall, request: ReceivedRequest): ScriptedAnswer;
  /** A failure with a vendor code the adapter's table does not know, and that raw code as sent. */
  unknownCode(call: ContractCall, request: ReceivedRequest): { answer: ScriptedAnswer; rawCode: string };
  /** A failure in which the vendor's own words are `text`. */
  echoing(call: ContractCall, request: ReceivedRequest, text: string): ScriptedAnswer;
}

export interface ProviderContractOptions {
  /** A token cache for adapters that need one (the specs wire the memory store's). */
  tokenCache: () => TokenCache;
}

/**
 * The vendor timeout of the adapters under test: the timeout case waits it out once per call, and a
 * loopback answer comes well within it even on a busy machine running suites side by side.
 */
const CONTRACT_TIMEOUT_MS = 2000;

/** A gate that lets every call through and says whether one is running. */
class WatchingGate implements VendorCallGate {
  runs = 0;
  private active = 0;

  get busy(): boolean {
    return this.active > 0;
  }

  async run<T>(ctx: CallContext, call: () => Promise<T>): Promise<T> {
    this.runs += 1;
    this.active += 1;
    try {
      await ctx.beforeSend?.();
      return await call();
    } finally {
      this.active -= 1;
    }
  }
}

/** Every call of the contract that the provider's descriptor offers. */
function contractCalls(descriptor: ProviderDescriptor): ContractCall[] {
  const calls: ContractCall[] = [...descriptor.capabilities];
  if (descriptor.batchDelete) calls.push('contacts.delete.batch');
  return calls;
}

function invoke<C extends PluginAccount>(
  adapter: ProviderAdapter,
  call: ContractCall,
  fixture: ProviderContractFixture<C>,
): Promise<unknown> {
  const ctx: CallContext = { requestId: 'contract', deadline: Date.now() + 10_000, priority: 'interactive' };
  const { campaignId, phoneNumber, callbackId, filter } = fixture.sample;
  const method = <K extends keyof ProviderAdapter>(name: K) => {
    const found = adapter[name];
    if (typeof found !== 'function') throw new Error(`the adapter has no ${name}`);
    return (found as (...args: unknown[]) => Promise<unknown>).bind(adapter);
  };
  switch (call) {
    case 'campaigns.delete':
      return method('deleteCampaign')(campaignId, { archive: false }, ctx);
    case 'campaigns.pause':
      return method('pauseCampaign')(campaignId, ctx);
    case 'campaigns.resume':
      return method('resumeCampaign')(campaignId, ctx);
    case 'contacts.delete':
      return method('deleteContact')(campaignId, { phoneNumber }, ctx);
    case 'contacts.delete.byFilter':
      return method('deleteContactsByFilter')(campaignId, filter ?? { phoneNumber }, ctx);
    case 'contacts.delete.batch':
      return method('deleteContactsBatch')(campaignId, [phoneNumber], ctx);
    case 'callbacks.create':
      return method('createCallback')(
        {
          campaignId,
          phoneNumber,
          scheduledAt: new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          mode: 'automatic',
        },
        ctx,
      );
    case 'callbacks.cancel':
      return method('cancelCallback')(callbackId ?? '1', ctx);
  }
}

async function failureOf(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (isGatewayError(error)) return error;
    throw error;
  }
  throw new Error('the call succeeded where it should have failed');
}

/** Everything of an error a caller, a log line or a stored outcome can see. */
function visible(error: GatewayError): string {
  return JSON.stringify({ ...error, message: error.message, detail: error.detail, stack: error.stack });
}

/**
 * The provider contract: one suite that every adapter in the gateway's registry passes, run from each
 * provider library's `contract.spec.ts` with its plugin and fixture against a scripted loopback vendor.
 */
export function describeProviderContract<C extends PluginAccount>(
  plugin: ProviderPlugin<C>,
  fixture: ProviderContractFixture<C>,
  options: ProviderContractOptions,
): void {
  describe(`provider contract: ${plugin.name}`, () => {
    let gate: WatchingGate;
    let batchGate: WatchingGate;
    let vendor: ScriptedVendor;
    let baseUrl: string;
    let adapter: ProviderAdapter;
    const calls = contractCalls(plugin.descriptor);

    /** The gates of the current test, which the scripted vendor watches. */
    const infrastructure = () => ({
      gate,
      batchGate,
      tokenCache: options.tokenCache(),
      onExchange: () => undefined,
    });

    beforeAll(async () => {
      vendor = new ScriptedVendor(() => gate.busy || batchGate.busy);
      baseUrl = await vendor.start();
    });

    afterAll(async () => {
      await vendor.stop();
    });

    beforeEach(() => {
      gate = new WatchingGate();
      batchGate = new WatchingGate();
      adapter = plugin.create(
        { ...fixture.account(baseUrl), timeoutMs: CONTRACT_TIMEOUT_MS },
        infrastructure(),
      );
    });

    afterEach(async () => {
      await adapter.close();
    });

    it('is named as its descriptor, and has a method for every capability it lists', () => {
      expect(plugin.descriptor.name).toBe(plugin.name);
      expect(adapter.descriptor).toBe(plugin.descriptor);
      expect(missingCapabilityMethods(adapter, adapter.descriptor)).toEqual([]);
      expect(calls.length).toBeGreaterThan(0);
    });

    it.each(calls)('%s: every request it sends passes the gate', async (call) => {
      vendor.answer((request) => fixture.success(call, request));
      await invoke(adapter, call, fixture);
      expect(vendor.received.length).toBeGreaterThan(0);
      expect(vendor.received.map((request) => request.insideGate)).not.toContain(false);
      expect(gate.runs + batchGate.runs).toBeGreaterThanOrEqual(vendor.received.length);
    });

    it.each(calls)('%s: an unknown vendor code is provider_error with the raw code kept', async (call) => {
      let rawCode = '';
      vendor.answer((request) => {
        const unknown = fixture.unknownCode(call, request);
        rawCode = unknown.rawCode;
        return unknown.answer;
      });
      const outcome = invoke(adapter, call, fixture);
      if (call === 'contacts.delete.batch') {
        // A batch answer nobody knows is handed back, so its numbers can go one by one.
        const result = (await outcome) as { kind: string; error?: { code: string; provider?: unknown } };
        expect(result.kind).toBe('not_understood');
        expect(result.error?.code).toBe('provider_error');
        expect(JSON.stringify(result.error?.provider)).toContain(rawCode);
        return;
      }
      const error = await failureOf(outcome);
      expect(error.code).toBe('provider_error');
      expect(error.provider?.name).toBe(plugin.name);
      expect(JSON.stringify(error.provider)).toContain(rawCode);
    });

    it.each(calls)('%s: no secret appears in an error, whatever the vendor echoes', async (call) => {
      const secrets = new Set(fixture.secrets);
      vendor.answer((request) => {
        for (const secret of fixture.requestSecrets?.(request) ?? []) secrets.add(secret);
        return fixture.echoing(call, request, `you sent ${[...secrets].join(' and ')}`);
      });
      let seen: string;
      try {
        seen = JSON.stringify(await invoke(adapter, call, fixture));
      } catch (error) {
        if (!isGatewayError(error)) throw error;
        seen = visible(error);
      }
      expect(secrets.size).toBeGreaterThan(0);
      for (const secret of secrets) expect(seen).not.toContain(secret);
    });

    it.each(calls)('%s: a vendor that does not answer in time is provider_timeout', async (call) => {
      vendor.answer(() => 'hang');
      const error = await failureOf(invoke(adapter, call, fixture));
      expect(error.code).toBe('provider_timeout');
      for (const secret of fixture.secrets) expect(visible(error)).not.toContain(secret);
    });

    it.each(calls)('%s: a dropped connection is provider_unavailable', async (call) => {
      vendor.answer(() => 'reset');
      const error = await failureOf(invoke(adapter, call, fixture));
      expect(error.code).toBe('provider_unavailable');
      for (const secret of fixture.secrets) expect(visible(error)).not.toContain(secret);
    });

    it('a vendor that cannot be reached is provider_unavailable, nothing sent', async () => {
      const unreachable = plugin.create(
        { ...fixture.account('http://127.0.0.1:9'), timeoutMs: CONTRACT_TIMEOUT_MS },
        infrastructure(),
      );
      try {
        const error = await failureOf(invoke(unreachable, calls[0], fixture));
        expect(error.code).toBe('provider_unavailable');
        expect(error.notProcessed).toBe(true);
      } finally {
        await unreachable.close();
      }
    });
  });
}
