import { HTTPMethods } from 'fastify';
import { OzonetelState, OzonetelUser } from '../seed';
import { readOzonetelState } from '../seed-validation';
import { CallLog } from '../shared/call-log';
import { Clock, monotonicEpochMs } from '../shared/clock';
import { registerControlRoutes } from '../shared/control-routes';
import { FAULT_KINDS, FaultRegistry } from '../shared/faults';
import { VendorApp } from '../shared/vendor-app';
import { VendorAnswer, VendorCall } from '../shared/vendor-call';
import { ozonetelAnswer } from './answers';
import { authenticate } from './authenticate';
import { BulkDeleteSettings, BulkDeleteStats, DEFAULT_BULK_DELETE, deleteBulkData } from './bulk-data';
import { deleteCampaignData } from './campaign-data';
import { campaignStatus, setCampaignStatus } from './campaign-status';
import { generateToken } from './generate-token';
import { registerOzonetelControlRoutes } from './ozonetel-control-routes';
import { claimedUserName, OzonetelBody, readOzonetelBody } from './ozonetel-request';
import { OzonetelStore } from './ozonetel-store';
import { SlidingWindowLimiter } from './sliding-window';
import { TokenRegistry } from './token-registry';

export interface OzonetelSimulatorOptions {
  seed: OzonetelState;
  logger: boolean;
  clock?: Clock;
}

/** An operation on behalf of an authenticated user. */
type OzonetelOperation = (body: OzonetelBody, user: OzonetelUser, store: OzonetelStore) => VendorAnswer;

/**
 * The CloudAgent simulator (plain HTTP). Counted calls go: JSON body, the user's sliding window
 * (HTTP 429 when full; only a call naming a userName can be counted), authentication, operation.
 */
export class OzonetelSimulator {
  readonly app: VendorApp;
  private readonly store: OzonetelStore;
  private readonly callLog = new CallLog();
  private readonly faults = new FaultRegistry();
  private readonly limiter: SlidingWindowLimiter;
  private readonly tokens: TokenRegistry;
  /** DeleteBulkData: its own window, and one request processed at a time per user. */
  private bulkSettings: BulkDeleteSettings = { ...DEFAULT_BULK_DELETE };
  private readonly bulkLimiter: SlidingWindowLimiter;
  private readonly bulkBusy = new Set<string>();
  private bulkStats: BulkDeleteStats = emptyBulkStats();

  constructor(private readonly options: OzonetelSimulatorOptions) {
    this.store = new OzonetelStore(options.seed);
    this.limiter = new SlidingWindowLimiter(() => this.store.rateLimit());
    this.tokens = new TokenRegistry(() => this.store.tokenPolicy());
    this.bulkLimiter = new SlidingWindowLimiter(() => this.bulkSettings);
    this.app = new VendorApp({
      logger: options.logger,
      callLog: this.callLog,
      faults: this.faults,
      clock: options.clock ?? monotonicEpochMs,
      identifyAccount: claimedUserName,
      vendorFaultAnswer: (kind) => {
        if (kind === 'rateLimited') return ozonetelAnswer('maxLimit');
        if (kind === 'tokenExpired') return ozonetelAnswer('tokenExpired');
        return undefined;
      },
    });
    this.registerVendorRoutes();
    registerControlRoutes(this.app, {
      callLog: this.callLog,
      faults: this.faults,
      supportedFaultKinds: FAULT_KINDS,
      state: () => this.store.snapshot(),
      replaceState: (value) => this.store.replace(readOzonetelState(value, 'state')),
      reset: () => this.reset(),
    });
    registerOzonetelControlRoutes(this.app, this.store, this.tokens, {
      bulkSettings: () => this.bulkSettings,
      setBulkSettings: (settings) => {
        this.bulkSettings = { ...settings };
      },
      bulkStats: () => ({ ...this.bulkStats, inProgress: this.bulkBusy.size }),
    });
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
    this.limiter.reset();
    this.bulkLimiter.reset();
    this.bulkSettings = { ...DEFAULT_BULK_DELETE };
    this.bulkStats = emptyBulkStats();
    this.tokens.reset();
    this.callLog.reset();
    this.faults.clear();
  }

  private registerVendorRoutes(): void {
    this.app.route('POST', '/ca_apis/CAToken/generateToken', (call, now) =>
      generateToken(call, this.store, this.tokens, now),
    );
    this.counted('DELETE', '/ca_apis/deleteCampaignData', deleteCampaignData);
    this.counted('PUT', '/ca_apis/setCampaignStatus', setCampaignStatus);
    this.counted('GET', '/ca_apis/campaignStatus', campaignStatus);
    this.app.route('DELETE', '/ca_apis/DeleteBulkData', (call, now) => this.handleBulk(call, now));
  }

  /**
   * DeleteBulkData: JSON body, then one request at a time per user (a second one while the first is
   * processed is refused as over the limit: the refusal is documented, its wording inferred), then
   * its own window (2 per minute by default), then authentication, then the operation.
   */
  private async handleBulk(call: VendorCall, now: number): Promise<VendorAnswer> {
    const body = readOzonetelBody(call);
    if (body === undefined) return ozonetelAnswer('invalidJson');
    const userName = claimedUserName(call);
    if (userName !== undefined && this.bulkBusy.has(userName)) {
      this.bulkStats.refusedBusy++;
      return ozonetelAnswer('maxLimit');
    }
    if (userName !== undefined && !this.bulkLimiter.tryAcquire(userName, now)) {
      this.bulkStats.refusedRate++;
      return ozonetelAnswer('maxLimit');
    }
    const auth = authenticate(call, userName, this.store, this.tokens, now);
    if (!auth.ok) return auth.answer;
    this.bulkBusy.add(auth.user.userName);
    this.bulkStats.maxConcurrent = Math.max(this.bulkStats.maxConcurrent, this.bulkBusy.size);
    try {
      const answer = await deleteBulkData(body, auth.user, this.store, this.bulkSettings.processingMs);
      if (answer.status === 200) this.bulkStats.processed++;
      return answer;
    } finally {
      this.bulkBusy.delete(auth.user.userName);
    }
  }

  /** A route that spends the user's rate budget. */
  private counted(method: HTTPMethods, path: string, operation: OzonetelOperation): void {
    this.app.route(method, path, (call, now) => this.handleCounted(call, now, operation));
  }

  private handleCounted(call: VendorCall, now: number, operation: OzonetelOperation): VendorAnswer {
    const body = readOzonetelBody(call);
    if (body === undefined) return ozonetelAnswer('invalidJson');
    const userName = claimedUserName(call);
    if (userName !== undefined && !this.limiter.tryAcquire(userName, now)) return ozonetelAnswer('maxLimit');
    const auth = authenticate(call, userName, this.store, this.tokens, now);
    if (!auth.ok) return auth.answer;
    return operation(body, auth.user, this.store);
  }
}

function emptyBulkStats(): BulkDeleteStats {
  return { processed: 0, refusedBusy: 0, refusedRate: 0, maxConcurrent: 0, inProgress: 0 };
}
