import { describeRateLimiterContract } from '../contract/rate-limiter.contract';
import { describeTokenCacheContract } from '../contract/token-cache.contract';
import { MemoryRateLimiter } from './memory-rate-limiter';
import { MemoryTokenCache } from './memory-token-cache';

describeRateLimiterContract('memory', () => new MemoryRateLimiter());
describeTokenCacheContract('memory', () => new MemoryTokenCache());
