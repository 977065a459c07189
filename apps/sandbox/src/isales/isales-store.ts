import { IsalesCampaign, IsalesReservation, IsalesState, IsalesTenant } from '../seed';

/**
 * The iSales data of one sandbox run. Lookups return live objects that operations change in place;
 * `snapshot` is the only way state leaves the store, always as a copy.
 */
export class IsalesStore {
  private state: IsalesState;

  constructor(initial: IsalesState) {
    this.state = structuredClone(initial);
  }

  snapshot(): IsalesState {
    return structuredClone(this.state);
  }

  replace(state: IsalesState): void {
    this.state = structuredClone(state);
  }

  tenants(): readonly IsalesTenant[] {
    return this.state.tenants;
  }

  campaign(vdnId: number, id: string): IsalesCampaign | undefined {
    return this.state.campaigns.find((campaign) => campaign.vdnId === vdnId && campaign.id === id);
  }

  campaignsOf(vdnId: number): IsalesCampaign[] {
    return this.state.campaigns.filter((campaign) => campaign.vdnId === vdnId);
  }

  removeCampaign(campaign: IsalesCampaign): void {
    this.state.campaigns = this.state.campaigns.filter((candidate) => candidate !== campaign);
  }

  isBlocklisted(calledNo: string): boolean {
    return this.state.blocklist.includes(calledNo);
  }

  reservation(vdnId: number, id: string): IsalesReservation | undefined {
    return this.state.reservations.find(
      (reservation) => reservation.vdnId === vdnId && reservation.id === id,
    );
  }

  /** Any tenant's reservation; for the control API, which is not scoped to a tenant. */
  reservationById(id: string): IsalesReservation | undefined {
    return this.state.reservations.find((reservation) => reservation.id === id);
  }

  reservationsOf(vdnId: number): IsalesReservation[] {
    return this.state.reservations.filter((reservation) => reservation.vdnId === vdnId);
  }

  hasReservationId(id: string): boolean {
    return this.state.reservations.some((reservation) => reservation.id === id);
  }

  addReservation(reservation: IsalesReservation): void {
    this.state.reservations.push(reservation);
  }

  removeReservation(reservation: IsalesReservation): void {
    this.state.reservations = this.state.reservations.filter((candidate) => candidate !== reservation);
  }
}
