/** Whether an `OTEL_*_EXPORTER` variable names an exporter (`none` and empty names none). */
export function exporterNamed(value: string | undefined): boolean {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '' && name !== 'none');
  return names.length > 0;
}

/**
 * Whether the environment asks for more than W3C trace context carried in and out with spans dropped:
 * an exporter of any signal, a sampler, other propagators, or the SDK turned off. Only then is
 * OpenTelemetry's Node SDK loaded to read them.
 */
export function needsNodeSdk(env: NodeJS.ProcessEnv): boolean {
  return (
    exporterNamed(env.OTEL_TRACES_EXPORTER) ||
    exporterNamed(env.OTEL_METRICS_EXPORTER) ||
    exporterNamed(env.OTEL_LOGS_EXPORTER) ||
    Boolean(env.OTEL_TRACES_SAMPLER || env.OTEL_PROPAGATORS || env.OTEL_SDK_DISABLED)
  );
}
