import { readTenantSwitches } from '../seed-validation';
import { readControlJson } from '../shared/control-routes';
import { localWallClock } from '../shared/local-time';
import { isRecord, ShapeError } from '../shared/shape';
import { CONTROL_PREFIX, VendorApp } from '../shared/vendor-app';
import { IsalesStore } from './isales-store';

const NUMBER_STATES = ['pending', 'calling', 'called'] as const;
const RESERVATION_STATES = ['pending', 'calling'] as const;
const CAMPAIGN_STATUSES = [1, 2, 3, 4] as const;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Shortcuts for setting up in-progress cases (a number being called, a reservation whose call has
 * started, a running campaign) without replacing the whole state.
 */
export function registerIsalesControlRoutes(app: VendorApp, store: IsalesStore): void {
  // A tenant's switches (how the deployment behaves where the vendor pages disagree or are silent);
  // fields left out keep their value, null restores the default.
  app.server.put<{ Params: { vdnId: string } }>(
    `${CONTROL_PREFIX}/tenants/:vdnId`,
    async (request, reply) => {
      const body = readControlJson(app, request, reply);
      if (body === undefined) return reply;
      const tenant = store.tenants().find((candidate) => String(candidate.vdnId) === request.params.vdnId);
      if (!tenant) return reply.code(404).send({ error: 'no such tenant' });
      try {
        Object.assign(tenant, readTenantSwitches(body));
      } catch (error) {
        if (error instanceof ShapeError) return reply.code(400).send({ error: error.message });
        throw error;
      }
      for (const key of Object.keys(tenant) as (keyof typeof tenant)[]) {
        if (tenant[key] === undefined) delete tenant[key];
      }
      const { secretKey: _secret, ...visible } = tenant;
      return visible;
    },
  );

  app.server.put<{ Params: { id: string } }>(
    `${CONTROL_PREFIX}/reservations/:id/state`,
    async (request, reply) => {
      const body = readControlJson(app, request, reply);
      if (body === undefined) return reply;
      const state = RESERVATION_STATES.find((candidate) => isRecord(body) && body.state === candidate);
      if (state === undefined) return reply.code(400).send({ error: 'state must be pending or calling' });
      const reservation = store.reservationById(request.params.id);
      if (!reservation) return reply.code(404).send({ error: 'no such reservation' });
      reservation.state = state;
      return { ...reservation };
    },
  );

  app.server.put<{ Params: { vdnId: string; id: string; called: string } }>(
    `${CONTROL_PREFIX}/campaigns/:vdnId/:id/numbers/:called/state`,
    async (request, reply) => {
      const body = readControlJson(app, request, reply);
      if (body === undefined) return reply;
      const state = NUMBER_STATES.find((candidate) => isRecord(body) && body.state === candidate);
      if (state === undefined)
        return reply.code(400).send({ error: 'state must be pending, calling or called' });
      const campaign = store.campaign(Number(request.params.vdnId), request.params.id);
      const number = campaign?.numbers.find((candidate) => candidate.called === request.params.called);
      if (!number) return reply.code(404).send({ error: 'no such campaign number' });
      number.state = state;
      return { ...number };
    },
  );

  // A number's recycle time from an instant: stored as the tenant's server writes it, in its own zone.
  app.server.put<{ Params: { vdnId: string; id: string; called: string } }>(
    `${CONTROL_PREFIX}/campaigns/:vdnId/:id/numbers/:called/recycle-time`,
    async (request, reply) => {
      const body = readControlJson(app, request, reply);
      if (body === undefined) return reply;
      const at = isRecord(body) && typeof body.at === 'string' ? body.at : '';
      const epochMs = INSTANT.test(at) ? Date.parse(at) : NaN;
      if (Number.isNaN(epochMs))
        return reply.code(400).send({ error: 'at must be an RFC 3339 time with an offset' });
      const vdnId = Number(request.params.vdnId);
      const tenant = store.tenants().find((candidate) => candidate.vdnId === vdnId);
      const campaign = store.campaign(vdnId, request.params.id);
      const number = campaign?.numbers.find((candidate) => candidate.called === request.params.called);
      if (!tenant || !number) return reply.code(404).send({ error: 'no such campaign number' });
      number.recycleTime = localWallClock(epochMs, tenant.timeZone ?? 'UTC');
      return { ...number };
    },
  );

  app.server.put<{ Params: { vdnId: string; id: string } }>(
    `${CONTROL_PREFIX}/campaigns/:vdnId/:id/status`,
    async (request, reply) => {
      const body = readControlJson(app, request, reply);
      if (body === undefined) return reply;
      const status = CAMPAIGN_STATUSES.find((candidate) => isRecord(body) && body.status === candidate);
      if (status === undefined) return reply.code(400).send({ error: 'status must be 1, 2, 3 or 4' });
      const campaign = store.campaign(Number(request.params.vdnId), request.params.id);
      if (!campaign) return reply.code(404).send({ error: 'no such campaign' });
      campaign.status = status;
      return { vdnId: campaign.vdnId, id: campaign.id, name: campaign.name, status: campaign.status };
    },
  );
}
