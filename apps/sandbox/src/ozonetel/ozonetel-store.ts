import { OzonetelCampaign, OzonetelRateLimit, OzonetelState, OzonetelUser } from '../seed';

/** The Ozonetel data of one sandbox run; lookups return live objects, snapshots are copies. */
export class OzonetelStore {
  private state: OzonetelState;

  constructor(initial: OzonetelState) {
    this.state = structuredClone(initial);
  }

  snapshot(): OzonetelState {
    return structuredClone(this.state);
  }

  replace(state: OzonetelState): void {
    this.state = structuredClone(state);
  }

  user(userName: string): OzonetelUser | undefined {
    return this.state.users.find((user) => user.userName === userName);
  }

  campaign(userName: string, name: string): OzonetelCampaign | undefined {
    return this.state.campaigns.find((campaign) => campaign.userName === userName && campaign.name === name);
  }

  rateLimit(): OzonetelRateLimit {
    return this.state.rateLimit;
  }

  setRateLimit(rateLimit: OzonetelRateLimit): void {
    this.state.rateLimit = { ...rateLimit };
  }

  tokenPolicy(): { ttlMs: number; maxPerHour: number } {
    return { ttlMs: this.state.tokenTtlMs, maxPerHour: this.state.maxTokensPerHour };
  }
}
