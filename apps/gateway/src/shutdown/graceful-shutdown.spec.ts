import { ConfigError } from '@app/config';
import { DEFAULT_SHUTDOWN_GRACE_MS, shutdownGraceFromEnv } from './graceful-shutdown';

describe('SHUTDOWN_GRACE_MS', () => {
  it('defaults to 10 s', () => {
    expect(DEFAULT_SHUTDOWN_GRACE_MS).toBe(10_000);
    expect(shutdownGraceFromEnv({})).toBe(10_000);
    expect(shutdownGraceFromEnv({ SHUTDOWN_GRACE_MS: '' })).toBe(10_000);
  });

  it('takes whole milliseconds', () => {
    expect(shutdownGraceFromEnv({ SHUTDOWN_GRACE_MS: '25000' })).toBe(25_000);
  });

  it.each(['10s', '-1', '1.5', '50', '99999999'])('refuses %s, naming the variable', (value) => {
    expect(() => shutdownGraceFromEnv({ SHUTDOWN_GRACE_MS: value })).toThrow(ConfigError);
    try {
      shutdownGraceFromEnv({ SHUTDOWN_GRACE_MS: value });
    } catch (error) {
      expect((error as ConfigError).field).toBe('SHUTDOWN_GRACE_MS');
    }
  });
});
