import { OzonetelUser } from '../seed';
import { VendorAnswer } from '../shared/vendor-call';
import { ozonetelAnswer } from './answers';
import { OzonetelBody, textField } from './ozonetel-request';
import { OzonetelStore } from './ozonetel-store';

/**
 * DELETE /ca_apis/deleteCampaignData `{campaignName, phoneNumber, userName, name}`: one record per
 * call. Checks run campaign, then phone number. A given, non-empty `name` must equal the stored
 * contact's name when one is stored, else "No Record Found" (inferred; a contact stored without a
 * name matches any).
 */
export function deleteCampaignData(
  body: OzonetelBody,
  user: OzonetelUser,
  store: OzonetelStore,
): VendorAnswer {
  const campaignName = textField(body, 'campaignName');
  if (campaignName === undefined) return ozonetelAnswer('campaignMissing');
  const campaign = store.campaign(user.userName, campaignName);
  if (campaign === undefined) return ozonetelAnswer('campaignInvalid');

  // Several numbers at once (an array or a comma list) cannot bind to the single-number field.
  if (Array.isArray(body.phoneNumber)) return ozonetelAnswer('invalidJson');
  const phoneNumber = textField(body, 'phoneNumber');
  if (phoneNumber === undefined) return ozonetelAnswer('phoneNumberMissing');
  if (phoneNumber.split(',').filter((part) => part.trim() !== '').length > 1)
    return ozonetelAnswer('invalidJson');

  const name = textField(body, 'name');
  const index = campaign.numbers.findIndex(
    (number) =>
      number.phoneNumber === phoneNumber &&
      (name === undefined || number.name === undefined || number.name === name),
  );
  if (index === -1) return ozonetelAnswer('noRecord');
  campaign.numbers.splice(index, 1);
  return ozonetelAnswer('deleted');
}
