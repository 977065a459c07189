import { DynamicModule, Module } from '@nestjs/common';
import { ThrottlerModule, ThrottlerStorage } from '@nestjs/throttler';
import { GatewayConfig } from '@app/config';
import { RedisKeyspace, RedisThrottlerStorage, StoreBundle } from '@app/store';
import { Draining } from './shutdown/draining';
import { INBOUND_POLICY } from './throttling/client-throttler.guard';
import { GATEWAY_CONFIG, STORE_BUNDLE } from './tokens';

export interface InfrastructureOptions {
  config: GatewayConfig;
  store: StoreBundle;
}

/**
 * What every feature module stands on: the configuration and the store (built before Nest starts),
 * whether the process is draining, and the inbound throttler every /v1 route's guard uses. Global,
 * so features inject them without importing it; the provider registry is a plain table
 * (providers/provider-registry.ts), read where it is needed.
 */
@Module({})
export class InfrastructureModule {
  static forRoot({ config, store }: InfrastructureOptions): DynamicModule {
    const shared = [
      { provide: GATEWAY_CONFIG, useValue: config },
      { provide: STORE_BUNDLE, useValue: store },
      Draining,
    ];
    return {
      module: InfrastructureModule,
      global: true,
      imports: [
        ThrottlerModule.forRoot({
          throttlers: [
            {
              name: INBOUND_POLICY,
              limit: config.settings.inboundRateLimit.limit,
              ttl: config.settings.inboundRateLimit.windowMs,
            },
          ],
          setHeaders: false,
          // Shared by every replica when there is Redis; per process otherwise.
          storage: inboundThrottlerStorage(store),
        }),
      ],
      providers: shared,
      exports: [GATEWAY_CONFIG, STORE_BUNDLE, Draining],
    };
  }
}

/** Redis' when there is Redis, so replicas share each client's budget; undefined is the module's own memory. */
function inboundThrottlerStorage(store: StoreBundle): ThrottlerStorage | undefined {
  if (!store.redis) return undefined;
  return new RedisThrottlerStorage(
    store.redis,
    new RedisKeyspace(store.keyPrefix),
  ) satisfies ThrottlerStorage;
}
