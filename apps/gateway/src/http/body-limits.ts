import { applyDecorators } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExtension } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { GatewaySettings } from '@app/config';

/** The route config key a handler's body size class is kept under. */
const BODY_SIZE = 'bodySize';

/** The same mark in the OpenAPI document, where docs/admission-docs.ts turns it into the limit. */
export const BODY_SIZE_EXTENSION = 'x-body-size';

/**
 * Marks the one route that takes a bulk body: contacts/delete, up to 200,000 numbers. It gets
 * `settings.bulkBodyLimitBytes`; every other route keeps `settings.bodyLimitBytes`.
 */
export const BulkBody = (): MethodDecorator =>
  applyDecorators(RouteConfig({ [BODY_SIZE]: 'bulk' }), ApiExtension(BODY_SIZE_EXTENSION, 'bulk'));

/**
 * Gives each route its body limit as Fastify registers it, so a body over the limit is refused as
 * soon as Content-Length says so, or as soon as that many bytes have arrived, never read in full
 * (413 payload_too_large). Must be added before the routes are (before `app.init()`).
 */
export function registerBodyLimits(
  fastify: FastifyInstance,
  settings: Pick<GatewaySettings, 'bulkBodyLimitBytes'>,
): void {
  fastify.addHook('onRoute', (route) => {
    if ((route.config as Record<string, unknown> | undefined)?.[BODY_SIZE] === 'bulk') {
      route.bodyLimit = settings.bulkBodyLimitBytes;
    }
  });
}

/** A limit as people read it: 65536 is "64 KiB", 8388608 "8 MiB", 1500 "1500 bytes". */
export function describeBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
