/** Ozonetel CloudAgent wire shapes: the only place that names the vendor's paths and fields. */

export const OZONETEL_PATHS = {
  deleteCampaignData: '/ca_apis/deleteCampaignData',
  deleteBulkData: '/ca_apis/DeleteBulkData',
  generateToken: '/ca_apis/CAToken/generateToken',
} as const;

/** The vendor calls this library makes; error rules may be limited to some of them. */
export type OzonetelCall = keyof typeof OZONETEL_PATHS;

export const OZONETEL_API_KEY_HEADER = 'apiKey';

/** `DELETE /ca_apis/deleteCampaignData`: one number per request, JSON body on a DELETE. */
export interface DeleteCampaignDataBody {
  campaignName: string;
  phoneNumber: string;
  userName: string;
  name?: string;
}

/** `DELETE /ca_apis/DeleteBulkData`: up to 100 numbers (or campaign names) per request, JSON body on a DELETE. */
export interface DeleteBulkDataBody {
  userName: string;
  phoneNumber: string[];
  campaignName: string[];
}

/** Documented: at most 100 phone numbers or 100 campaign names per DeleteBulkData request. */
export const OZONETEL_BULK_DELETE_MAX = 100;

/** `POST /ca_apis/CAToken/generateToken`, sent with the `apiKey` header. */
export interface GenerateTokenBody {
  userName: string;
}

/** Default request headers; auth headers are added per mode. */
export const OZONETEL_JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/json',
  accept: 'application/json',
});
