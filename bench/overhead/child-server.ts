import type { FastifyInstance } from 'fastify';

/**
 * Runs a Fastify app as one of the benchmark's forked servers (the proxy, the floor): it listens on a
 * free loopback port, sends `{ port }` to the parent, and exits when the parent goes.
 */
export function runChildServer(build: () => Promise<FastifyInstance>): void {
  process.on('disconnect', () => process.exit(0));
  build()
    .then(async (app) => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
