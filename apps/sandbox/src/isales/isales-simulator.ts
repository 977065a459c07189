import { HTTPMethods } from 'fastify';
import { IsalesState } from '../seed';
import { readIsalesState } from '../seed-validation';
import { CallLog } from '../shared/call-log';
import { Clock, monotonicEpochMs } from '../shared/clock';
import { registerControlRoutes } from '../shared/control-routes';
import { FAULT_KINDS, FaultKind, FaultRegistry } from '../shared/faults';
import { isRecord } from '../shared/shape';
import { VendorApp } from '../shared/vendor-app';
import { emptyAnswer, headerText, jsonAnswer, VendorAnswer, VendorCall } from '../shared/vendor-call';
import { claimedAccessKey } from './authorization-header';
import { deleteCampaign, listCampaigns, pauseCampaign, resumeCampaign } from './campaign-operations';
import { IsalesBody } from './field-readers';
import { registerIsalesControlRoutes } from './isales-control-routes';
import { IsalesOperation } from './isales-request';
import { IsalesStore } from './isales-store';
import { deleteOutboundNumbers } from './outbound-numbers';
import { createReservation, deleteReservation, listReservations } from './reservations';
import { failureEnvelope, IsalesCode, IsalesRejection } from './result-codes';
import { verifySignature } from './verify-signature';

export const ISALES_BASE_PATH = '/rest/isales/v1/openapi/campaigns';

export interface IsalesSimulatorOptions {
  seed: IsalesState;
  logger: boolean;
  /** PEM contents; absent serves plain HTTP. */
  tls?: { cert: string; key: string };
  clock?: Clock;
}

/** iSales has no tokens, so `tokenExpired` is refused when armed. */
const ISALES_FAULT_KINDS: readonly FaultKind[] = FAULT_KINDS.filter((kind) => kind !== 'tokenExpired');

/**
 * The CC-iSales simulator. Every vendor request goes: signature (HTTP 401 on failure), vdnId owned by
 * the signing tenant, Content-Type and JSON body, then the operation; business errors are HTTP 200
 * envelopes with the vendor's code.
 */
export class IsalesSimulator {
  readonly app: VendorApp;
  private readonly store: IsalesStore;
  private readonly callLog = new CallLog();
  private readonly faults = new FaultRegistry();

  constructor(private readonly options: IsalesSimulatorOptions) {
    this.store = new IsalesStore(options.seed);
    this.app = new VendorApp({
      logger: options.logger,
      tls: options.tls,
      callLog: this.callLog,
      faults: this.faults,
      clock: options.clock ?? monotonicEpochMs,
      identifyAccount: (call) => claimedAccessKey(headerText(call.headers, 'authorization')),
      // The vendor's rate-limit answer is not documented; an empty 429 is what a front proxy sends.
      vendorFaultAnswer: (kind) => (kind === 'rateLimited' ? emptyAnswer(429, true) : undefined),
    });
    this.registerVendorRoutes();
    registerControlRoutes(this.app, {
      callLog: this.callLog,
      faults: this.faults,
      supportedFaultKinds: ISALES_FAULT_KINDS,
      state: () => this.store.snapshot(),
      replaceState: (value) => this.store.replace(readIsalesState(value, 'state')),
      reset: () => this.reset(),
    });
    registerIsalesControlRoutes(this.app, this.store);
  }

  listen(host: string, port: number): Promise<string> {
    return this.app.listen(host, port);
  }

  close(): Promise<void> {
    return this.app.close();
  }

  private reset(): void {
    this.app.cancelDelayedCalls();
    this.store.replace(this.options.seed);
    this.callLog.reset();
    this.faults.clear();
  }

  private registerVendorRoutes(): void {
    this.operation('GET', '', listCampaigns);
    this.operation('DELETE', '/:campaignId', deleteCampaign);
    this.operation('PUT', '/:campaignId/pause', pauseCampaign);
    this.operation('PUT', '/:campaignId/resume', resumeCampaign);
    this.operation('POST', '/calldata/:campaignId/delete', deleteOutboundNumbers);
    this.operation('POST', '/appoint/create', createReservation);
    this.operation('POST', '/appoint/delete', deleteReservation);
    this.operation('POST', '/appoint/list', listReservations);
  }

  private operation(method: HTTPMethods, suffix: string, operation: IsalesOperation): void {
    this.app.route(method, `${ISALES_BASE_PATH}/:vdnId${suffix}`, (call, now) =>
      this.handle(call, now, operation),
    );
  }

  private handle(call: VendorCall, now: number, operation: IsalesOperation): VendorAnswer {
    const verdict = verifySignature(call, this.store.tenants());
    if (!verdict.ok) {
      const body: Record<string, string> = { error: 'Unauthorized', reason: verdict.reason };
      if (verdict.canonicalRequest !== undefined) body.canonicalRequest = verdict.canonicalRequest;
      return jsonAnswer(401, body);
    }
    try {
      const vdnId = Number(call.params.vdnId);
      if (!/^\d+$/.test(call.params.vdnId ?? '') || vdnId < 1 || vdnId > 9999) {
        throw new IsalesRejection(IsalesCode.parameterError, 'vdnId must be an integer 1..9999.');
      }
      if (vdnId !== verdict.tenant.vdnId) {
        throw new IsalesRejection(IsalesCode.parameterError, 'vdnId does not belong to this access key.');
      }
      const body = readIsalesBody(call);
      return jsonAnswer(
        200,
        operation(
          { vdnId, tenant: verdict.tenant, params: call.params, query: call.query, body, now },
          this.store,
        ),
      );
    } catch (error) {
      if (error instanceof IsalesRejection) return jsonAnswer(200, failureEnvelope(error.code, error.detail));
      throw error;
    }
  }
}

/**
 * Every request is meant to carry `Content-Type: application/json; charset=UTF-8`. The check is loose:
 * it only bites when there is a body, and accepts any application/json media type.
 */
function readIsalesBody(call: VendorCall): IsalesBody {
  if (call.body.kind === 'empty') return {};
  const contentType = headerText(call.headers, 'content-type') ?? '';
  if (!/^application\/json\b/i.test(contentType.trim())) {
    throw new IsalesRejection(
      IsalesCode.parameterError,
      'Content-Type must be application/json; charset=UTF-8.',
    );
  }
  if (call.body.kind === 'invalid')
    throw new IsalesRejection(IsalesCode.parameterError, 'The body is not JSON.');
  if (!isRecord(call.body.value)) {
    throw new IsalesRejection(IsalesCode.parameterError, 'The body must be a JSON object.');
  }
  return call.body.value;
}
