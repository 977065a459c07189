/**
 * The vendor's wire shapes, named as the iSales pages name them. Nothing outside this library sees
 * these field names.
 */

/** The one result code that means success; codes are strings and keep their leading zeros. */
export const ISALES_SUCCESS_CODE = '0200000';

export const ISALES_CONTENT_TYPE = 'application/json; charset=UTF-8';

export interface IsalesEnvelope {
  resultCode?: unknown;
  resultDesc?: unknown;
  returnCode?: unknown;
  returnDesc?: unknown;
  [field: string]: unknown;
}

/** DELETE /{campaignId}. */
export interface IsalesDeleteCampaignBody {
  archiveHistory: 0 | 1;
}

/** "1" on or before that day, "2" that day, "3" that exact time; the page types it String. */
export type IsalesRecycleType = '1' | '2' | '3';

/** POST /calldata/{campaignId}/delete. */
export interface IsalesDeleteNumbersBody {
  sessionId?: string;
  called?: string;
  customField?: string;
  /** `yyyy-mm-dd hh:mm:ss`, wall-clock time with no zone. */
  recycleTime?: string;
  recycleType?: IsalesRecycleType;
  archiveHistory?: 0 | 1;
}

/** "1" manual, "2" automatic; the page's example sends a string. */
export type IsalesCallType = '1' | '2';

/** POST /appoint/create. Exactly one of `userAccount` / `workNo`, depending on the deployment. */
export interface IsalesCreateAppointBody {
  callType: IsalesCallType;
  calledNo: string;
  userAccount?: string;
  workNo?: string;
  /** The campaign id, as a string. */
  taskId: string;
  /** Epoch milliseconds. */
  appointTime: number;
  remark?: string;
  /** JSON text, automatic calls only. */
  callData?: string;
}

/** POST /appoint/delete. */
export interface IsalesDeleteAppointBody {
  appointId: string;
}
