import { execFileSync } from 'node:child_process';
import { REPO_ROOT, TS_NODE_ARGS } from '../../../../test/support/ts-node';
import { needsNodeSdk } from './telemetry-env';

/** Which OpenTelemetry SDK packages a process has loaded once preload.ts has run with `env`. */
function sdkPackagesLoadedWith(env: Record<string, string>): string[] {
  const code = `
    require('./apps/gateway/src/telemetry/preload');
    const loaded = Object.keys(require.cache)
      .map((file) => /node_modules\\/(@opentelemetry\\/(?:sdk-node|exporter-[^/]+|instrumentation-[^/]+))\\//.exec(file)?.[1])
      .filter(Boolean);
    process.stdout.write(JSON.stringify([...new Set(loaded)].sort()));
  `;
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')),
  );
  const out = execFileSync(process.execPath, [...TS_NODE_ARGS, '-e', code], {
    cwd: REPO_ROOT,
    env: { ...inherited, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[];
}

describe('needsNodeSdk', () => {
  it.each([
    [{}, false],
    [{ OTEL_TRACES_EXPORTER: 'none' }, false],
    [{ OTEL_TRACES_EXPORTER: ' , none' }, false],
    [{ OTEL_SERVICE_NAME: 'edge-gateway' }, false],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: 'none,console' }, true],
    [{ OTEL_METRICS_EXPORTER: 'otlp' }, true],
    [{ OTEL_LOGS_EXPORTER: 'otlp' }, true],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio' }, true],
    [{ OTEL_PROPAGATORS: 'tracecontext,baggage' }, true],
    [{ OTEL_SDK_DISABLED: 'true' }, true],
  ])('%j: %s', (env, expected) => {
    expect(needsNodeSdk(env)).toBe(expected);
  });
});

describe('startTelemetry', () => {
  it('loads no SDK, exporter or instrumentation when nothing is exported', () => {
    expect(sdkPackagesLoadedWith({})).toEqual([]);
  }, 30_000);

  it('loads the Node SDK and the instrumentations when spans are exported', () => {
    expect(sdkPackagesLoadedWith({ OTEL_TRACES_EXPORTER: 'otlp' })).toEqual(
      expect.arrayContaining([
        '@opentelemetry/sdk-node',
        '@opentelemetry/instrumentation-http',
        '@opentelemetry/instrumentation-fastify',
        '@opentelemetry/instrumentation-ioredis',
      ]),
    );
  }, 30_000);
});
