import { OzonetelUser } from '../seed';
import { jsonAnswer, VendorAnswer } from '../shared/vendor-call';
import { ozonetelAnswer } from './answers';
import { OzonetelBody, textField } from './ozonetel-request';
import { OzonetelStore } from './ozonetel-store';

/*
 * setCampaignStatus and campaignStatus exist for completeness. Their answer bodies are not in the
 * seed pages: the success and bad-action bodies below are invented in the vendor's style.
 */

/** PUT /ca_apis/setCampaignStatus `{userName, campaignName, action: "Start" | "Stop"}`. */
export function setCampaignStatus(
  body: OzonetelBody,
  user: OzonetelUser,
  store: OzonetelStore,
): VendorAnswer {
  const campaignName = textField(body, 'campaignName');
  if (campaignName === undefined) return ozonetelAnswer('campaignMissing');
  const campaign = store.campaign(user.userName, campaignName);
  if (campaign === undefined) return ozonetelAnswer('campaignInvalid');
  const action = textField(body, 'action')?.toLowerCase();
  if (action !== 'start' && action !== 'stop') {
    return jsonAnswer(200, { status: 'Error', message: 'Action should be Start or Stop' });
  }
  campaign.status = action === 'start' ? 'Running' : 'Stopped';
  const verb = action === 'start' ? 'Started' : 'Stopped';
  return jsonAnswer(200, { status: 'Success', message: `Campaign ${verb} Successfully` });
}

/** GET /ca_apis/campaignStatus `{userName, campaignName}` (body or query). */
export function campaignStatus(body: OzonetelBody, user: OzonetelUser, store: OzonetelStore): VendorAnswer {
  const campaignName = textField(body, 'campaignName');
  if (campaignName === undefined) return ozonetelAnswer('campaignMissing');
  const campaign = store.campaign(user.userName, campaignName);
  if (campaign === undefined) return ozonetelAnswer('campaignInvalid');
  return jsonAnswer(200, {
    status: 'Success',
    campaignName: campaign.name,
    campaignStatus: campaign.status ?? 'Running',
  });
}
