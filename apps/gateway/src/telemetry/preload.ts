/**
 * Imported first by main.ts, so OpenTelemetry is set up before `http`, `fastify` and `ioredis` are
 * loaded and the instrumentations can wrap them.
 */
import { startTelemetry } from './telemetry';

startTelemetry();
