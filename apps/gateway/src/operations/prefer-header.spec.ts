import { MAX_WAIT_SECONDS, parsePrefer } from './prefer-header';

describe('parsePrefer (RFC 7240)', () => {
  it('asks for nothing without the header', () => {
    expect(parsePrefer(undefined)).toEqual({ respondAsync: false });
    expect(parsePrefer('')).toEqual({ respondAsync: false });
    expect(parsePrefer([])).toEqual({ respondAsync: false });
  });

  it('reads respond-async alone', () => {
    expect(parsePrefer('respond-async')).toEqual({ respondAsync: true });
  });

  it('reads wait alone, without asking for async', () => {
    expect(parsePrefer('wait=10')).toEqual({ respondAsync: false, waitSeconds: 10 });
  });

  it('reads several preferences in one header, in any order and spacing', () => {
    expect(parsePrefer('respond-async, wait=10')).toEqual({ respondAsync: true, waitSeconds: 10 });
    expect(parsePrefer('wait=5,respond-async')).toEqual({ respondAsync: true, waitSeconds: 5 });
    expect(parsePrefer('  respond-async  ,   wait = 7 ')).toEqual({ respondAsync: true, waitSeconds: 7 });
  });

  it('reads preferences spread over several header lines', () => {
    expect(parsePrefer(['respond-async', 'wait=3'])).toEqual({ respondAsync: true, waitSeconds: 3 });
  });

  it('ignores case in names (tokens are case-insensitive)', () => {
    expect(parsePrefer('Respond-Async, WAIT=4')).toEqual({ respondAsync: true, waitSeconds: 4 });
  });

  it('takes a quoted wait value', () => {
    expect(parsePrefer('wait="12"')).toEqual({ respondAsync: false, waitSeconds: 12 });
  });

  it('ignores parameters after a preference', () => {
    expect(parsePrefer('respond-async; foo=bar, wait=2; x')).toEqual({ respondAsync: true, waitSeconds: 2 });
  });

  it('keeps wait=0 and caps a longer wait at the maximum', () => {
    expect(MAX_WAIT_SECONDS).toBe(60);
    expect(parsePrefer('wait=0').waitSeconds).toBe(0);
    expect(parsePrefer('wait=60').waitSeconds).toBe(60);
    expect(parsePrefer('wait=61').waitSeconds).toBe(60);
    expect(parsePrefer('wait=99999999999999999999').waitSeconds).toBe(60);
  });

  it.each(['wait=-1', 'wait=1.5', 'wait=abc', 'wait=', 'wait', 'wait=10s', 'wait=1e3', 'wait=" 5"'])(
    'ignores a malformed %s',
    (header) => {
      expect(parsePrefer(header)).toEqual({ respondAsync: false });
    },
  );

  it('ignores unknown preferences and junk, keeping the ones it knows', () => {
    expect(parsePrefer('return=minimal, handling=strict')).toEqual({ respondAsync: false });
    expect(parsePrefer(',,; =, ;;')).toEqual({ respondAsync: false });
    expect(parsePrefer('respond-asynchronously, respond-async-now')).toEqual({ respondAsync: false });
    expect(parsePrefer('junk, respond-async, =3, wait=8')).toEqual({ respondAsync: true, waitSeconds: 8 });
  });

  it('lets a later wait win over an earlier one, and a bad later one leave it be', () => {
    expect(parsePrefer('wait=5, wait=9').waitSeconds).toBe(9);
    expect(parsePrefer('wait=5, wait=x').waitSeconds).toBe(5);
  });
});
