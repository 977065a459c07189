import { measureTlsReconnects } from '../../../test/support/tls-reconnect';

/**
 * Each new TLS connection to an account with a `caFile` used to build its own secure context from
 * every system root plus the CA: about 1 MB of RSS per connection, never given back (+276 to
 * +313 MiB for 300 connections). The client now builds it once per account: about +17 MiB in the
 * bench, +25 to +27 MiB here (under jest, gc is switched on at run time, and V8 keeps more heap
 * reserved). The 40 MiB bound leaves that margin and still fails the old client by 275 MiB.
 */
describe('VendorHttpClient TLS reconnects', () => {
  it('grows RSS by less than 40 MiB over 300 new TLS connections to a private-CA vendor', async () => {
    const result = await measureTlsReconnects(300);
    expect(result.connections).toBe(300);
    expect(result.rssGrowthBytes).toBeLessThan(40 * 1024 * 1024);
  });
});
