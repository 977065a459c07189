import { jsonAnswer, VendorAnswer } from '../shared/vendor-call';

/**
 * Ozonetel's answer bodies, spelled exactly as the deleteCampaignData page and vendors.md give them
 * (including their grammar). The key order matches the page.
 */
export const OzonetelBody = {
  deleted: { status: 'Success', message: 'Deleted Successfully' },
  apiKeyMissing: { status: 'false', message: 'Api Key Should Not be Null or Empty.', data: null },
  userNameMissing: { status: 'false', message: 'Username Should Not be Null or Empty.', data: null },
  invalidUser: { status: 'false', message: 'Invalid User Details', data: null },
  invalidAction: { status: 'false', message: 'Invalid action.', data: null },
  invalidJson: { status: 'false', message: 'Invalid Json Pass Valid Json', data: null },
  campaignMissing: { status: 'Error', message: 'Campaign should not be null are empty' },
  /** The page shows this one as JSON inside a quoted string: it goes out as a JSON string. */
  campaignInvalid: '{"status": "Error", "message": "Passed campaign are invalid"}',
  phoneNumberMissing: { status: 'Error', message: 'PhoneNumber should not be null are empty' },
  noRecord: { status: 'Error', message: 'No Record Found' },
  maxLimit: { status: 'Error', message: 'Max limit exceeded' },
  tokenExpired: { status: 'false', message: 'Token Expired', data: null },
  invalidToken: { status: 'false', message: 'Invalid Token', data: null },
  /** DeleteBulkData over 100 numbers or campaign names: documented as an error, its wording inferred. */
  bulkOverMax: { status: 'Error', message: 'Maximum 100 phone numbers or campaign names are allowed' },
  /** DeleteBulkData's success answer is not published: inferred. */
  bulkDeleted: { status: 'Success', message: 'Bulk data deleted successfully' },
} as const;

export type OzonetelBodyName = keyof typeof OzonetelBody;

/** Business answers are HTTP 200 whatever their verdict; token failures 401; limits 429. */
const STATUS_BY_BODY: Partial<Record<OzonetelBodyName, number>> = {
  maxLimit: 429,
  tokenExpired: 401,
  invalidToken: 401,
};

export function ozonetelAnswer(name: OzonetelBodyName): VendorAnswer {
  const status = STATUS_BY_BODY[name] ?? 200;
  return jsonAnswer(status, OzonetelBody[name], name === 'maxLimit');
}
