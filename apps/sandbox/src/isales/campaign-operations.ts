import { IsalesCampaign, IsalesCampaignStatus } from '../seed';
import { readArchiveHistory } from './field-readers';
import { IsalesRequest } from './isales-request';
import { IsalesStore } from './isales-store';
import { IsalesCode, IsalesEnvelope, IsalesRejection, successEnvelope } from './result-codes';

const RUNNING: IsalesCampaignStatus = 2;
const SUSPENDED: IsalesCampaignStatus = 3;

/** The `{campaignId}` of the URL, which must name a campaign of the caller's vdnId. */
export function campaignFromUrl(request: IsalesRequest, store: IsalesStore): IsalesCampaign {
  const id = request.params.campaignId ?? '';
  if (!/^\d+$/.test(id))
    throw new IsalesRejection(IsalesCode.parameterError, 'campaignId must be an integer');
  const campaign = store.campaign(request.vdnId, id);
  if (campaign === undefined) throw new IsalesRejection(IsalesCode.campaignNotFound);
  return campaign;
}

/** DELETE /{campaignId}: refused while the campaign runs. */
export function deleteCampaign(request: IsalesRequest, store: IsalesStore): IsalesEnvelope {
  readArchiveHistory(request.body);
  const campaign = campaignFromUrl(request, store);
  if (campaign.status === RUNNING) throw new IsalesRejection(IsalesCode.campaignRunning);
  store.removeCampaign(campaign);
  return successEnvelope('delete task success');
}

/** PUT /{campaignId}/pause: only a running campaign. */
export function pauseCampaign(request: IsalesRequest, store: IsalesStore): IsalesEnvelope {
  const campaign = campaignFromUrl(request, store);
  if (campaign.status !== RUNNING) {
    throw new IsalesRejection(
      IsalesCode.statusForbidsChange,
      `Status ${campaign.status}; only a running campaign.`,
    );
  }
  campaign.status = SUSPENDED;
  return successEnvelope('');
}

/**
 * PUT /{campaignId}/resume: only a suspended campaign. No resume page was available; this mirrors the
 * pause page, including its code 0200011 for a campaign in the wrong status (inferred).
 */
export function resumeCampaign(request: IsalesRequest, store: IsalesStore): IsalesEnvelope {
  const campaign = campaignFromUrl(request, store);
  if (campaign.status !== SUSPENDED) {
    throw new IsalesRejection(
      IsalesCode.statusForbidsChange,
      `Status ${campaign.status}; only a suspended campaign.`,
    );
  }
  campaign.status = RUNNING;
  return successEnvelope('');
}

/**
 * GET ?name&status&curPage&rowsPerPage. The vendor page documents the query; the answer's field names
 * are inferred: the page of campaigns is sent both as `data` and as `returnObject`, with `totalCount`.
 */
export function listCampaigns(request: IsalesRequest, store: IsalesStore): IsalesEnvelope {
  const { name, status, curPage, rowsPerPage } = readListQuery(request.query);
  const matching = store
    .campaignsOf(request.vdnId)
    .filter((campaign) => status === 0 || campaign.status === status)
    .filter((campaign) => name === '' || campaign.name.toLowerCase().includes(name.toLowerCase()));
  const page = matching
    .slice((curPage - 1) * rowsPerPage, curPage * rowsPerPage)
    .map((campaign) => ({ campaignId: campaign.id, name: campaign.name, status: campaign.status }));
  return successEnvelope('success', { totalCount: matching.length, data: page, returnObject: page });
}

interface ListQuery {
  name: string;
  status: number;
  curPage: number;
  rowsPerPage: number;
}

function readListQuery(query: Record<string, string>): ListQuery {
  const name = query.name ?? '';
  if (name.length > 30) throw new IsalesRejection(IsalesCode.tooLong, 'name exceeds 30 characters');
  const status = queryInteger(query, 'status', 0);
  if (status < 0 || status > 4) throw new IsalesRejection(IsalesCode.wrongValue, 'status must be 0..4');
  // The page says a curPage below 1 is taken as 1.
  const curPage = Math.max(1, queryInteger(query, 'curPage', 1));
  const rowsPerPage = queryInteger(query, 'rowsPerPage', 10);
  if (rowsPerPage < 1 || rowsPerPage > 100) {
    throw new IsalesRejection(IsalesCode.wrongValue, 'rowsPerPage must be 1..100');
  }
  return { name, status, curPage, rowsPerPage };
}

function queryInteger(query: Record<string, string>, key: string, fallback: number): number {
  const text = query[key];
  if (text === undefined || text === '') return fallback;
  if (!/^-?\d+$/.test(text)) throw new IsalesRejection(IsalesCode.wrongType, `${key} must be an integer`);
  return Number(text);
}
