import {
  BatchDeleteResult,
  CallContext,
  ContactOutcome,
  ContactSelection,
  GatewayError,
  ProviderAdapter,
  ProviderDescriptor,
  TokenCache,
  validationFailed,
  VendorCallGate,
} from '@app/core';
import { VendorExchange, VendorHttpClient } from '@app/http-client';
import { toContactError } from '@app/providers/kit';
import { MAX_OZONETEL_ANSWER_BYTES } from './answer-parser';
import { OzonetelTokenProvider, ozonetelTokenCacheKey } from './auth';
import { OzonetelAccountConfig, OzonetelAuthMode } from './config';
import { OZONETEL_DESCRIPTOR, OZONETEL_PROVIDER_NAME } from './descriptor';
import {
  OZONETEL_API_KEY_HEADER,
  OZONETEL_BULK_DELETE_MAX,
  OZONETEL_JSON_HEADERS,
  OZONETEL_PATHS,
  OzonetelCall,
} from './dto';
import { OzonetelFailure, ozonetelError } from './errors';
import { Interpretation, interpretOzonetelResponse } from './responses';
import { deleteBulkDataBody, deleteCampaignDataBody, generateTokenBody } from './transformers';

export const OZONETEL_DEFAULT_TIMEOUT_MS = 10_000;

export interface OzonetelAdapterDeps {
  /** The account's gate: every vendor request, token generation included, runs through it. */
  gate: VendorCallGate;
  /**
   * The account's DeleteBulkData gate (its own budget, one request at a time), when the account turned
   * bulk deletes on; without it `deleteContactsBatch` refuses.
   */
  batchGate?: VendorCallGate;
  /** Shared by every replica, so the account has one token at a time. */
  tokenCache: TokenCache;
  onExchange?: (exchange: VendorExchange) => void;
  /** For tests; an injected client is not closed by `close()`. */
  httpClient?: VendorHttpClient;
}

/** Selectors the public API has but Ozonetel does not; sending without them would delete too much or too little. */
const UNSUPPORTED_SELECTORS = ['sessionId', 'customField', 'scheduledTime'] as const;

/** Ozonetel CloudAgent behind the provider port, one instance per configured account. */
export class OzonetelAdapter implements ProviderAdapter {
  readonly descriptor: ProviderDescriptor = OZONETEL_DESCRIPTOR;
  readonly accountId: string;

  private readonly userName: string;
  private readonly authMode: OzonetelAuthMode;
  // A #private field stays out of util.inspect, so logging the adapter cannot leak the key.
  readonly #apiKey: string;
  private readonly gate: VendorCallGate;
  private readonly batchGate?: VendorCallGate;
  private readonly http: VendorHttpClient;
  private readonly ownsHttp: boolean;
  private readonly tokens: OzonetelTokenProvider<CallContext>;

  constructor(config: OzonetelAccountConfig, deps: OzonetelAdapterDeps) {
    this.accountId = config.id;
    this.userName = config.userName;
    this.authMode = config.authMode === 'token' ? 'token' : 'basic';
    this.#apiKey = config.apiKey;
    this.gate = deps.gate;
    this.batchGate = deps.batchGate;
    this.ownsHttp = deps.httpClient === undefined;
    this.http =
      deps.httpClient ??
      new VendorHttpClient({
        providerName: OZONETEL_PROVIDER_NAME,
        baseUrl: config.baseUrl,
        caFile: config.caFile,
        timeoutMs: config.timeoutMs ?? OZONETEL_DEFAULT_TIMEOUT_MS,
        maxResponseBytes: MAX_OZONETEL_ANSWER_BYTES,
        onExchange: deps.onExchange,
      });
    this.tokens = new OzonetelTokenProvider(deps.tokenCache, ozonetelTokenCacheKey(config.id), (ctx) =>
      this.generateToken(ctx),
    );
  }

  async deleteContact(
    campaignId: string,
    selection: ContactSelection & { phoneNumber: string },
    ctx: CallContext,
  ): Promise<ContactOutcome> {
    this.checkSelection(campaignId, selection);
    const body = JSON.stringify(
      deleteCampaignDataBody(this.userName, campaignId, selection.phoneNumber, selection.contactName),
    );
    const result = await this.withAuth(ctx, (headers, secrets) =>
      this.gate.run(ctx, () => this.attempt('deleteCampaignData', body, headers, secrets, ctx)),
    );
    if (result.kind === 'success') return { phoneNumber: selection.phoneNumber, outcome: 'deleted' };
    if (result.kind === 'unrecognised') throw ozonetelError(result.failure, [this.#apiKey]);
    return { phoneNumber: selection.phoneNumber, outcome: result.outcome };
  }

  /**
   * DeleteBulkData for up to 100 numbers of one campaign, through the batch gate. Success (a `status`
   * of success in any case, whatever the message) means the vendor took the batch: it says nothing per
   * number. Known failures are thrown from the error table (over its limit: not processed, so the gate
   * pauses and sends again; an invalid campaign fails all); an answer no row knows comes back as
   * `not_understood`, so the caller can send the numbers one by one instead.
   */
  async deleteContactsBatch(
    campaignId: string,
    phoneNumbers: readonly string[],
    ctx: CallContext,
  ): Promise<BatchDeleteResult> {
    const gate = this.batchGate;
    if (!gate) {
      throw new GatewayError(
        'operation_not_supported',
        'Bulk deletes are not turned on for this Ozonetel account (accounts[].bulkDelete)',
        { provider: { name: OZONETEL_PROVIDER_NAME } },
      );
    }
    const errors = [
      { field: 'campaignId', message: this.descriptor.checkCampaignId(campaignId) },
      ...phoneNumbers.map((number, i) => ({
        field: `phoneNumbers[${i}]`,
        message: this.descriptor.checkPhoneNumber(number),
      })),
    ].filter((e): e is { field: string; message: string } => e.message !== undefined);
    if (phoneNumbers.length === 0 || phoneNumbers.length > OZONETEL_BULK_DELETE_MAX) {
      errors.push({ field: 'phoneNumbers', message: `must hold 1..${OZONETEL_BULK_DELETE_MAX} numbers` });
    }
    if (errors.length > 0) throw validationFailed(errors);
    const body = JSON.stringify(deleteBulkDataBody(this.userName, campaignId, phoneNumbers));
    let used: readonly string[] = [this.#apiKey];
    const result = await this.withAuth(ctx, (headers, secrets) => {
      used = secrets; // the key and the tokens of the last attempt, blanked out of the vendor's words
      return gate.run(ctx, () => this.attempt('deleteBulkData', body, headers, secrets, ctx));
    });
    if (result.kind === 'success') return { kind: 'deleted' };
    const failure = result.kind === 'unrecognised' ? result.failure : undefined;
    const error = failure
      ? ozonetelError(failure, used, 'Ozonetel answered the bulk delete in a way the gateway does not know')
      : new GatewayError('provider_error', 'Ozonetel answered the bulk delete with a per-number outcome');
    return { kind: 'not_understood', error: toContactError(error) };
  }

  async close(): Promise<void> {
    if (this.ownsHttp) await this.http.close();
  }

  /**
   * Runs `call` with the account's credentials. In token mode a refused token is replaced once (by the
   * one another replica generated meanwhile, if any) and the call made once more.
   */
  private async withAuth(
    ctx: CallContext,
    call: (headers: Record<string, string>, secrets: string[]) => Promise<Interpretation>,
  ): Promise<Exclude<Interpretation, OzonetelFailure>> {
    if (this.authMode === 'basic') {
      const secrets = [this.#apiKey];
      const result = await call({ [OZONETEL_API_KEY_HEADER]: this.#apiKey }, secrets);
      if (result.kind === 'failure') throw ozonetelError(result, secrets);
      return result;
    }
    const first = await this.tokens.current(ctx);
    const firstSecrets = [this.#apiKey, first];
    const result = await call(bearer(first), firstSecrets);
    if (result.kind !== 'failure') return result;

    const fresh = await this.tokens.replace(ctx, first);
    const secrets = [this.#apiKey, first, fresh];
    const retried = await call(bearer(fresh), secrets);
    if (retried.kind !== 'failure') return retried;
    throw ozonetelError(retried, secrets, 'Ozonetel refused a new access token for this account as well');
  }

  /**
   * One vendor request inside the gate. A refused token comes back as a value so the caller can
   * replace it; every other failure is thrown here, and the vendor's over-limit answer (not processed)
   * lets the gate pause the account and send again.
   */
  private async attempt(
    call: Exclude<OzonetelCall, 'generateToken'>,
    body: string,
    authHeaders: Record<string, string>,
    secrets: readonly string[],
    ctx: CallContext,
  ): Promise<Interpretation> {
    const response = await this.http.send({
      method: 'DELETE',
      path: OZONETEL_PATHS[call],
      headers: { ...OZONETEL_JSON_HEADERS, ...authHeaders },
      body,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    const result = interpretOzonetelResponse(call, response);
    // DeleteBulkData's answers are not all published: one the table does not know is the caller's to
    // act on (its numbers go back to the one-by-one path), not an error.
    if (result.kind === 'failure' && result.result.unrecognised && call === 'deleteBulkData') {
      return { kind: 'unrecognised', failure: result };
    }
    if (result.kind === 'failure' && !result.result.refreshToken) throw ozonetelError(result, secrets);
    return result;
  }

  private async generateToken(ctx: CallContext): Promise<string> {
    const secrets = [this.#apiKey];
    // The token is a helper call: the caller's beforeSend belongs to the call that does the work.
    return this.gate.run({ ...ctx, beforeSend: undefined }, async () => {
      const response = await this.http.send({
        method: 'POST',
        path: OZONETEL_PATHS.generateToken,
        headers: { ...OZONETEL_JSON_HEADERS, [OZONETEL_API_KEY_HEADER]: this.#apiKey },
        body: JSON.stringify(generateTokenBody(this.userName)),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      const result = interpretOzonetelResponse('generateToken', response);
      if (result.kind === 'success' && result.answer.token !== undefined) return result.answer.token;
      if (result.kind === 'failure') throw ozonetelError(result, secrets);
      throw new GatewayError('provider_error', 'Ozonetel answered the token request without a token', {
        provider: { name: OZONETEL_PROVIDER_NAME },
      });
    });
  }

  /** The gateway checks all of this first; checking again here means a mistake there sends nothing. */
  private checkSelection(campaignId: string, selection: ContactSelection & { phoneNumber: string }): void {
    for (const field of UNSUPPORTED_SELECTORS) {
      if (selection[field] !== undefined) {
        throw new GatewayError('field_not_supported', `Ozonetel contacts cannot be selected by ${field}`, {
          errors: [{ field, message: 'not supported by Ozonetel' }],
        });
      }
    }
    if (selection.archive === true) {
      throw new GatewayError('field_not_supported', 'Ozonetel cannot archive the numbers it deletes', {
        errors: [{ field: 'archive', message: 'not supported by Ozonetel' }],
      });
    }
    const errors = [
      { field: 'campaignId', message: this.descriptor.checkCampaignId(campaignId) },
      { field: 'phoneNumber', message: this.descriptor.checkPhoneNumber(selection.phoneNumber) },
    ].filter((e): e is { field: string; message: string } => e.message !== undefined);
    if (errors.length > 0) throw validationFailed(errors);
  }
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
