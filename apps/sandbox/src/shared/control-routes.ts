import { FastifyReply, FastifyRequest } from 'fastify';
import { CallLog } from './call-log';
import { FaultKind, FaultRegistry, readFaultSpec } from './faults';
import { ShapeError } from './shape';
import { CONTROL_PREFIX, VendorApp } from './vendor-app';

/** What the common control API needs from a simulated vendor. */
export interface SimulatorControl {
  callLog: CallLog;
  faults: FaultRegistry;
  supportedFaultKinds: readonly FaultKind[];
  /** The vendor's current state, in its seed shape. */
  state(): unknown;
  /** Replaces the state; throws ShapeError when the value does not have the seed shape. */
  replaceState(value: unknown): void;
  /** Back to the starting seed: state, call log, faults, and any limiter or token memory. */
  reset(): void;
}

/** A JSON control body, or undefined after answering 400 for anything else. */
export function readControlJson(app: VendorApp, request: FastifyRequest, reply: FastifyReply): unknown {
  const body = app.controlBody(request);
  if (body.kind === 'json') return body.value;
  void reply
    .code(400)
    .send({ error: body.kind === 'empty' ? 'a JSON body is required' : 'body is not JSON' });
  return undefined;
}

/** `/__sandbox/...` routes shared by both vendors. No authentication: the sandbox is a test tool. */
export function registerControlRoutes(app: VendorApp, control: SimulatorControl): void {
  const server = app.server;

  server.get(`${CONTROL_PREFIX}/calls`, async () => ({ items: control.callLog.list() }));

  server.delete(`${CONTROL_PREFIX}/calls`, async (_request, reply) => {
    control.callLog.clear();
    return reply.code(204).send();
  });

  server.post(`${CONTROL_PREFIX}/reset`, async (_request, reply) => {
    control.reset();
    return reply.code(204).send();
  });

  server.get(`${CONTROL_PREFIX}/state`, async () => control.state());

  server.put(`${CONTROL_PREFIX}/state`, async (request, reply) => {
    const value = readControlJson(app, request, reply);
    if (value === undefined) return reply;
    try {
      control.replaceState(value);
    } catch (error) {
      if (error instanceof ShapeError) return reply.code(400).send({ error: error.message });
      throw error;
    }
    return control.state();
  });

  server.get(`${CONTROL_PREFIX}/faults`, async () => ({ items: control.faults.list() }));

  server.post(`${CONTROL_PREFIX}/faults`, async (request, reply) => {
    const value = readControlJson(app, request, reply);
    if (value === undefined) return reply;
    const spec = readFaultSpec(value, control.supportedFaultKinds);
    if (typeof spec === 'string') return reply.code(400).send({ error: spec });
    const fault = control.faults.add(spec);
    return reply.code(201).send({ id: fault.id });
  });

  server.delete(`${CONTROL_PREFIX}/faults`, async (_request, reply) => {
    control.faults.clear();
    return reply.code(204).send();
  });

  server.delete<{ Params: { id: string } }>(`${CONTROL_PREFIX}/faults/:id`, async (request, reply) => {
    const removed = control.faults.remove(request.params.id);
    return reply.code(removed ? 204 : 404).send(removed ? undefined : { error: 'no such fault' });
  });
}
