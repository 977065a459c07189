import { Capability } from './capabilities';
import {
  BatchDeleteResult,
  Callback,
  CallbackRequest,
  ContactDeleteField,
  ContactOutcome,
  ContactSelection,
  FilterDeleteResult,
  ProviderName,
  RateLimit,
} from './domain';

/**
 * Per-call context. `deadline` (epoch ms) bounds how long the call may wait for the vendor's rate
 * budget; `priority` lets interactive calls keep their share while bulk work runs.
 */
export interface CallContext {
  requestId: string;
  /** The client the call is made for (for the audit line). */
  clientId?: string;
  deadline: number;
  priority?: 'interactive' | 'bulk';
  /** Bulk calls only: who the account's bulk grants are shared between, turn by turn (a client id). */
  tenant?: string;
  signal?: AbortSignal;
  /**
   * Called each time the budget has granted the call, just before it is sent. A bulk operation claims
   * the number here (still its chunk's holder, still without an outcome); throwing sends nothing.
   * Adapters pass it on only for the call that does the work, not for helper calls such as a token.
   */
  beforeSend?: () => Promise<void>;
}

/** What the gateway needs to know about a provider before it calls it: static facts only. */
export interface ProviderDescriptor {
  readonly name: ProviderName;
  readonly capabilities: readonly Capability[];
  /** Request fields of a contacts delete that this provider understands. */
  readonly contactDeleteFields: readonly ContactDeleteField[];
  /** The vendor's documented budget, used when an account configures none. */
  readonly defaultRateLimit: RateLimit;
  /**
   * A vendor call that deletes many numbers at once, on its own budget, one request at a time per
   * account; an account turns it on in its configuration (`bulkDelete`). Absent: the vendor has none.
   */
  readonly batchDelete?: {
    /** Most numbers one call takes. */
    readonly maxNumbers: number;
    /** The vendor's documented budget for it, used when the account configures none. */
    readonly defaultRateLimit: RateLimit;
  };
  /** Limits shown by `GET /v1/providers`. */
  readonly limits: Record<string, unknown>;
  /** A message when the id is not one this vendor can have, else undefined. */
  checkCampaignId(campaignId: string): string | undefined;
  /** A message when the number breaks the vendor's own rule, else undefined. */
  checkPhoneNumber(phoneNumber: string): string | undefined;
  checkCallbackId(callbackId: string): string | undefined;
}

/**
 * The port every vendor adapter implements, one instance per configured account. A method is present
 * exactly when the descriptor lists its capability.
 */
export interface ProviderAdapter {
  readonly descriptor: ProviderDescriptor;
  readonly accountId: string;

  deleteCampaign?(campaignId: string, options: { archive: boolean }, ctx: CallContext): Promise<void>;
  pauseCampaign?(campaignId: string, ctx: CallContext): Promise<void>;
  resumeCampaign?(campaignId: string, ctx: CallContext): Promise<void>;
  /**
   * Deletes at most one number (one vendor call). Vendor answers about the number itself come back as
   * the outcome (`not_found`, `not_deletable`); anything else is thrown as a GatewayError.
   */
  deleteContact?(
    campaignId: string,
    selection: ContactSelection & { phoneNumber: string },
    ctx: CallContext,
  ): Promise<ContactOutcome>;
  /** Deletes every number matching the filter in one vendor call. */
  deleteContactsByFilter?(
    campaignId: string,
    selection: ContactSelection,
    ctx: CallContext,
  ): Promise<FilterDeleteResult>;
  /**
   * Deletes up to `descriptor.batchDelete.maxNumbers` numbers in one vendor call, through the account's
   * batch budget; present when the descriptor declares `batchDelete` (the account must enable it).
   */
  deleteContactsBatch?(
    campaignId: string,
    phoneNumbers: readonly string[],
    ctx: CallContext,
  ): Promise<BatchDeleteResult>;
  createCallback?(request: CallbackRequest, ctx: CallContext): Promise<Callback>;
  cancelCallback?(callbackId: string, ctx: CallContext): Promise<void>;

  /** Releases connections; called once at shutdown. */
  close(): Promise<void>;
}
