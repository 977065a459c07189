import {
  CallContext,
  Callback,
  CallbackRequest,
  ContactOutcome,
  ContactSelection,
  FilterDeleteResult,
  ProviderAdapter,
  ProviderDescriptor,
  VendorCallGate,
} from '@app/core';
import { VendorExchange, VendorHttpClient, VendorRequest } from '@app/http-client';
import { Redact, toContactError } from '@app/providers/kit';
import { ISALES_DESCRIPTOR, ISALES_PROVIDER_NAME } from './descriptor';
import { isalesRedactor, isalesVendorError, IsalesOperation, IsalesSubject } from './errors';
import { IsalesAccountConfig, IsalesAgentIdField } from './config';
import { ISALES_CONTENT_TYPE } from './dto';
import {
  checkedCallbackId,
  checkedCampaignId,
  toCreateAppointBody,
  toDeleteAppointBody,
  toDeleteCampaignBody,
  toDeleteNumbersBody,
} from './transformers';
import {
  IsalesAnswer,
  MAX_ISALES_ANSWER_BYTES,
  parseIsalesAnswer,
  readAppointmentId,
  readSuccessCount,
} from './responses';
import { signAuthV2 } from './auth';
import { IsalesRoutes } from './routes';
import { DEFAULT_ISALES_TIME_ZONE, WallClock, wallClockIn } from './time-zone';

export const ISALES_DEFAULT_TIMEOUT_MS = 10_000;

const NOT_DELETABLE_CODE = '0200028';

export interface IsalesAdapterDeps {
  gate: VendorCallGate;
  onExchange?: (exchange: VendorExchange) => void;
  /** Clock for signature timestamps; tests pin it. */
  now?: () => Date;
  /** A prepared client (tests); by default the adapter builds its own from the configuration. */
  httpClient?: VendorHttpClient;
}

interface IsalesCall {
  method: VendorRequest['method'];
  path: string;
  body?: object;
}

/** One iSales tenant (VDN) behind the provider port. Holds no per-request state. */
export class IsalesAdapter implements ProviderAdapter {
  readonly descriptor: ProviderDescriptor = ISALES_DESCRIPTOR;
  readonly accountId: string;

  private readonly http: VendorHttpClient;
  private readonly routes: IsalesRoutes;
  private readonly gate: VendorCallGate;
  private readonly now: () => Date;
  private readonly redact: Redact;
  private readonly agentIdField: IsalesAgentIdField;
  private readonly recycleClock: WallClock;
  private readonly accessKey: string;
  private readonly secretKey: string;

  constructor(config: IsalesAccountConfig & { caFile?: string }, deps: IsalesAdapterDeps) {
    this.accountId = config.id;
    this.accessKey = config.accessKey;
    this.secretKey = config.secretKey;
    this.gate = deps.gate;
    this.now = deps.now ?? (() => new Date());
    this.routes = new IsalesRoutes(config.vdnId);
    this.agentIdField = config.agentIdField ?? 'userAccount';
    this.recycleClock = wallClockIn(config.timeZone ?? DEFAULT_ISALES_TIME_ZONE);
    this.redact = isalesRedactor([config.accessKey, config.secretKey]);
    this.http =
      deps.httpClient ??
      new VendorHttpClient({
        providerName: ISALES_PROVIDER_NAME,
        baseUrl: config.baseUrl,
        caFile: config.caFile,
        timeoutMs: config.timeoutMs ?? ISALES_DEFAULT_TIMEOUT_MS,
        maxResponseBytes: MAX_ISALES_ANSWER_BYTES,
        onExchange: deps.onExchange,
      });
  }

  async deleteCampaign(campaignId: string, options: { archive: boolean }, ctx: CallContext): Promise<void> {
    const answer = await this.call(ctx, {
      method: 'DELETE',
      path: this.routes.campaign(checkedCampaignId(campaignId)),
      body: toDeleteCampaignBody(options.archive),
    });
    this.expectOk(answer, 'deleteCampaign', { campaignId });
  }

  async pauseCampaign(campaignId: string, ctx: CallContext): Promise<void> {
    const answer = await this.call(ctx, {
      method: 'PUT',
      path: this.routes.pause(checkedCampaignId(campaignId)),
    });
    this.expectOk(answer, 'pauseCampaign', { campaignId });
  }

  async resumeCampaign(campaignId: string, ctx: CallContext): Promise<void> {
    const answer = await this.call(ctx, {
      method: 'PUT',
      path: this.routes.resume(checkedCampaignId(campaignId)),
    });
    this.expectOk(answer, 'resumeCampaign', { campaignId });
  }

  async deleteContact(
    campaignId: string,
    selection: ContactSelection & { phoneNumber: string },
    ctx: CallContext,
  ): Promise<ContactOutcome> {
    const subject = { campaignId, phoneNumber: selection.phoneNumber };
    const answer = await this.call(ctx, {
      method: 'POST',
      path: this.routes.deleteNumbers(checkedCampaignId(campaignId)),
      body: toDeleteNumbersBody(selection, this.recycleClock),
    });
    const phoneNumber = selection.phoneNumber;
    // The vendor's refusal is about this number alone, so it is an outcome rather than a failure.
    if (!answer.ok && answer.code === NOT_DELETABLE_CODE) {
      const error = isalesVendorError('deleteContact', answer.code, answer.message, subject);
      return { phoneNumber, outcome: 'not_deletable', error: toContactError(error) };
    }
    this.expectOk(answer, 'deleteContact', subject);
    // Zero matches is how iSales says the number is not (or no longer) in the campaign.
    return { phoneNumber, outcome: readSuccessCount(answer) > 0 ? 'deleted' : 'not_found' };
  }

  async deleteContactsByFilter(
    campaignId: string,
    selection: ContactSelection,
    ctx: CallContext,
  ): Promise<FilterDeleteResult> {
    const answer = await this.call(ctx, {
      method: 'POST',
      path: this.routes.deleteNumbers(checkedCampaignId(campaignId)),
      body: toDeleteNumbersBody(selection, this.recycleClock),
    });
    this.expectOk(answer, 'deleteContactsByFilter', { campaignId });
    return { deleted: readSuccessCount(answer) };
  }

  /**
   * Not idempotent at the vendor: a second send could book a second call. The adapter never repeats
   * it; only the gate may, after a 429 that proves the vendor did nothing.
   */
  async createCallback(request: CallbackRequest, ctx: CallContext): Promise<Callback> {
    const subject = {
      campaignId: request.campaignId,
      phoneNumber: request.phoneNumber,
      scheduledAt: request.scheduledAt,
    };
    const answer = await this.call(ctx, {
      method: 'POST',
      path: this.routes.createAppointment(),
      body: toCreateAppointBody(request, this.agentIdField),
    });
    this.expectOk(answer, 'createCallback', subject);
    return {
      id: readAppointmentId(answer),
      campaignId: request.campaignId,
      phoneNumber: request.phoneNumber,
      scheduledAt: request.scheduledAt,
      mode: request.mode,
    };
  }

  async cancelCallback(callbackId: string, ctx: CallContext): Promise<void> {
    const answer = await this.call(ctx, {
      method: 'POST',
      path: this.routes.deleteAppointment(),
      body: toDeleteAppointBody(checkedCallbackId(callbackId)),
    });
    this.expectOk(answer, 'cancelCallback', { callbackId });
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private expectOk(answer: IsalesAnswer, operation: IsalesOperation, subject: IsalesSubject): void {
    if (!answer.ok) throw isalesVendorError(operation, answer.code, answer.message, subject);
  }

  /** Sends one signed request through the account's gate and reads the answer. */
  private async call(ctx: CallContext, call: IsalesCall): Promise<IsalesAnswer> {
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    return this.gate.run(ctx, async () => {
      // Signed inside the gate so a call that waited for budget (or is re-sent after a 429) carries a
      // fresh timestamp, and over exactly the host, path and bytes the client sends.
      const authorization = signAuthV2({
        accessKey: this.accessKey,
        secretKey: this.secretKey,
        method: call.method,
        path: this.http.fullPath(call.path),
        headers: { host: this.http.host, 'content-type': ISALES_CONTENT_TYPE },
        body,
        timestamp: this.now(),
      });
      const res = await this.http.send({
        method: call.method,
        path: call.path,
        headers: { 'Content-Type': ISALES_CONTENT_TYPE, Authorization: authorization },
        body,
        signal: ctx.signal,
      });
      return parseIsalesAnswer(res, this.redact);
    });
  }
}
