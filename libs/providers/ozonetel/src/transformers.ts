import { DeleteBulkDataBody, DeleteCampaignDataBody, GenerateTokenBody } from './dto';

/* Neutral request -> Ozonetel body. The adapter checks the values first (descriptor rules). */

export function deleteCampaignDataBody(
  userName: string,
  campaignName: string,
  phoneNumber: string,
  contactName?: string,
): DeleteCampaignDataBody {
  const body: DeleteCampaignDataBody = { campaignName, phoneNumber, userName };
  if (contactName !== undefined && contactName !== '') body.name = contactName;
  return body;
}

export function deleteBulkDataBody(
  userName: string,
  campaignName: string,
  phoneNumbers: readonly string[],
): DeleteBulkDataBody {
  return { userName, phoneNumber: [...phoneNumbers], campaignName: [campaignName] };
}

export function generateTokenBody(userName: string): GenerateTokenBody {
  return { userName };
}
