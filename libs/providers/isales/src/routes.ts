/** The iSales open-API paths of one tenant (VDN). Ids are checked by the caller before they get here. */
export class IsalesRoutes {
  private readonly base: string;

  constructor(vdnId: number) {
    this.base = `/rest/isales/v1/openapi/campaigns/${vdnId}`;
  }

  campaign(campaignId: string): string {
    return `${this.base}/${campaignId}`;
  }

  pause(campaignId: string): string {
    return `${this.base}/${campaignId}/pause`;
  }

  resume(campaignId: string): string {
    return `${this.base}/${campaignId}/resume`;
  }

  deleteNumbers(campaignId: string): string {
    return `${this.base}/calldata/${campaignId}/delete`;
  }

  createAppointment(): string {
    return `${this.base}/appoint/create`;
  }

  deleteAppointment(): string {
    return `${this.base}/appoint/delete`;
  }
}
