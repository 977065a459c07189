import { CallbackRequest, ContactSelection, GatewayError } from '@app/core';
import {
  checkedCallbackId,
  checkedCampaignId,
  parseRfc3339,
  toCreateAppointBody,
  toDeleteAppointBody,
  toDeleteCampaignBody,
  toDeleteNumbersBody,
} from './transformers';
import { isIanaTimeZone, wallClockIn } from './time-zone';

const toBody = (selection: ContactSelection, zone = 'UTC') =>
  toDeleteNumbersBody(selection, wallClockIn(zone));

function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected a GatewayError');
}

describe('parseRfc3339', () => {
  it('reads the instant, offset applied, to the millisecond', () => {
    expect(parseRfc3339('2026-12-04T17:57:00+08:00')).toEqual({ epochMs: Date.UTC(2026, 11, 4, 9, 57, 0) });
    expect(parseRfc3339('2026-12-04T23:30:15.987654-05:00')).toEqual({
      epochMs: Date.UTC(2026, 11, 5, 4, 30, 15, 987),
    });
    expect(parseRfc3339('2026-12-01T10:30:00+05:30')?.epochMs).toBe(Date.UTC(2026, 11, 1, 5, 0, 0));
    expect(parseRfc3339('2026-02-28T00:00:00Z')?.epochMs).toBe(Date.UTC(2026, 1, 28));
  });

  it.each([
    '2026-12-04T17:57:00', // no offset: the wall clock would be ambiguous
    '2026-12-04 17:57',
    '2026-02-30T10:00:00Z',
    '2026-13-01T10:00:00Z',
    '2026-12-04T24:00:00Z',
    '2026-12-04T10:60:00Z',
    '2026-12-04T10:00:00+24:00',
    'tomorrow',
    '',
  ])('rejects %j', (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });
});

describe('ids', () => {
  it('passes numeric ids and refuses anything that could change the URL path', () => {
    expect(checkedCampaignId('1001')).toBe('1001');
    for (const bad of ['0', '01', '../1', '1/pause', '1e3', '', '12345678901234567890']) {
      const error = thrown(() => checkedCampaignId(bad));
      expect(error.code).toBe('validation_failed');
      expect(error.errors?.[0].field).toBe('campaignId');
    }
    expect(checkedCallbackId('174712034211433247704877116507')).toBe('174712034211433247704877116507');
    expect(thrown(() => checkedCallbackId('abc')).code).toBe('validation_failed');
  });
});

describe('toDeleteCampaignBody', () => {
  it('always states archiveHistory as 0 or 1', () => {
    expect(toDeleteCampaignBody(true)).toEqual({ archiveHistory: 1 });
    expect(toDeleteCampaignBody(false)).toEqual({ archiveHistory: 0 });
  });
});

describe('toDeleteNumbersBody', () => {
  it('maps each selector alone, with the archive option', () => {
    expect(JSON.stringify(toBody({ phoneNumber: '66660001*#', archive: true }))).toBe(
      '{"called":"66660001*#","archiveHistory":1}',
    );
    expect(toBody({ sessionId: 'abc' })).toEqual({ sessionId: 'abc' });
    expect(toBody({ customField: 'batch-7' })).toEqual({ customField: 'batch-7' });
    expect(
      toBody({ scheduledTime: { at: '2026-12-04T17:57:00.5+08:00', match: 'onOrBefore' } }, 'Asia/Shanghai'),
    ).toEqual({ recycleTime: '2026-12-04 17:57:00', recycleType: '1' });
  });

  it.each([
    [{ phoneNumber: '1', customField: 'batch-7' }, ['phoneNumber', 'customField']],
    [{ phoneNumber: '1', sessionId: 's' }, ['phoneNumber', 'sessionId']],
    [
      { phoneNumber: '1', scheduledTime: { at: '2026-12-04T17:57:00Z', match: 'exact' as const } },
      ['phoneNumber', 'scheduledTime'],
    ],
    [{ sessionId: 's', customField: 'c' }, ['sessionId', 'customField']],
  ])('never sends two selectors together: %j', (selection, fields) => {
    const error = thrown(() => toBody(selection));
    expect(error.code).toBe('validation_failed');
    expect(error.errors?.map((e) => e.field)).toEqual(fields);
  });

  it("sends the scheduled time as the wall clock of the account's zone, whatever offset the caller used", () => {
    const recycleTime = (at: string, zone?: string) =>
      toBody({ scheduledTime: { at, match: 'exact' } }, zone).recycleTime;
    // The contract's example: 18:30 UTC is already the next day in India.
    expect(recycleTime('2026-12-01T18:30:00Z', 'Asia/Kolkata')).toBe('2026-12-02 00:00:00');
    expect(recycleTime('2026-12-02T00:00:00+05:30', 'Asia/Kolkata')).toBe('2026-12-02 00:00:00');
    expect(recycleTime('2026-12-01T23:30:00Z', 'Asia/Shanghai')).toBe('2026-12-02 07:30:00');
    expect(recycleTime('2026-12-01T23:30:00Z')).toBe('2026-12-01 23:30:00');
    expect(recycleTime('2026-12-04T17:57:00+08:00')).toBe('2026-12-04 09:57:00');
    // Daylight saving time follows the zone's rules on that date; fractions are dropped, not rounded.
    expect(recycleTime('2026-07-01T12:00:00Z', 'America/New_York')).toBe('2026-07-01 08:00:00');
    expect(recycleTime('2026-12-01T12:00:00Z', 'America/New_York')).toBe('2026-12-01 07:00:00');
    expect(recycleTime('2026-12-01T12:00:59.999Z', 'Europe/Berlin')).toBe('2026-12-01 13:00:59');
  });

  it('refuses a scheduled time that leaves years 0001..9999 in the zone', () => {
    const error = thrown(() =>
      toBody({ scheduledTime: { at: '9999-12-31T23:00:00Z', match: 'exact' } }, 'Asia/Tokyo'),
    );
    expect(error.errors).toEqual([
      { field: 'scheduledTime.at', message: expect.stringMatching(/0001..9999/) },
    ]);
  });

  it('writes recycleType as the strings 1, 2 and 3', () => {
    const at = '2026-12-04T17:57:00Z';
    expect(toBody({ scheduledTime: { at, match: 'onOrBefore' } }).recycleType).toBe('1');
    expect(toBody({ scheduledTime: { at, match: 'sameDay' } }).recycleType).toBe('2');
    expect(toBody({ scheduledTime: { at, match: 'exact' } }).recycleType).toBe('3');
  });

  it('sends archiveHistory only when archive was given', () => {
    expect(toBody({ phoneNumber: '1' })).toEqual({ called: '1' });
    expect(toBody({ customField: 'x', archive: false })).toEqual({
      customField: 'x',
      archiveHistory: 0,
    });
  });

  it('never sends an empty filter', () => {
    const error = thrown(() => toBody({ archive: true }));
    expect(error.code).toBe('validation_failed');
    expect(error.status).toBe(400);
  });

  it('refuses contactName, which iSales numbers do not have', () => {
    const error = thrown(() => toBody({ phoneNumber: '1', contactName: 'Asha' }));
    expect(error.code).toBe('field_not_supported');
    expect(error.errors).toEqual([{ field: 'contactName', message: expect.any(String) }]);
  });

  it('names each field the vendor would refuse', () => {
    expect(thrown(() => toBody({ phoneNumber: '+919812345678' })).errors?.[0].field).toBe('phoneNumber');
    expect(thrown(() => toBody({ sessionId: 'x'.repeat(33) })).errors?.[0].field).toBe('sessionId');
    expect(thrown(() => toBody({ customField: 'y'.repeat(201) })).errors?.[0].field).toBe('customField');
    expect(
      thrown(() => toBody({ scheduledTime: { at: '2026-12-04', match: 'exact' } })).errors?.[0].field,
    ).toBe('scheduledTime.at');
    expect(thrown(() => toBody({ sessionId: '' })).errors?.[0].field).toBe('sessionId');
    expect(toBody({ sessionId: 'x'.repeat(32) })).toBeDefined();
    expect(toBody({ customField: 'y'.repeat(200) })).toBeDefined();
  });
});

describe('toCreateAppointBody', () => {
  const manual: CallbackRequest = {
    campaignId: '1106025109',
    phoneNumber: '66660001',
    scheduledAt: '2025-06-02T18:00:00+08:00',
    mode: 'manual',
    agentId: 'testName',
    note: 'Remarks',
  };

  it('reproduces the vendor page example for a manual callback', () => {
    // The page's example: appointTime 1748858400000 is 2025-06-02 18:00 at +08:00.
    expect(JSON.stringify(toCreateAppointBody(manual, 'userAccount'))).toBe(
      '{"callType":"1","calledNo":"66660001","userAccount":"testName","taskId":"1106025109",' +
        '"appointTime":1748858400000,"remark":"Remarks"}',
    );
  });

  it('names the agent workNo where the deployment does', () => {
    const body = toCreateAppointBody(manual, 'workNo');
    expect(body.workNo).toBe('testName');
    expect(body).not.toHaveProperty('userAccount');
  });

  it('sends callType "2" and callData as JSON text for an automatic callback', () => {
    const body = toCreateAppointBody(
      {
        campaignId: '7',
        phoneNumber: '123#',
        scheduledAt: '2026-12-01T10:30:00.250Z',
        mode: 'automatic',
        callData: { orderId: 'A-1', amount: 12.5 },
      },
      'userAccount',
    );
    expect(body).toEqual({
      callType: '2',
      calledNo: '123#',
      taskId: '7',
      appointTime: Date.UTC(2026, 11, 1, 10, 30, 0, 250),
      callData: '{"orderId":"A-1","amount":12.5}',
    });
  });

  it('refuses what the vendor cannot take, before sending', () => {
    const fields = (request: CallbackRequest) =>
      thrown(() => toCreateAppointBody(request, 'userAccount')).errors?.map((e) => e.field);
    expect(fields({ ...manual, agentId: undefined })).toEqual(['agentId']);
    expect(fields({ ...manual, callData: { a: 1 } })).toEqual(['callData']);
    expect(fields({ ...manual, mode: 'automatic', callData: { a: 'x'.repeat(1020) } })).toEqual(['callData']);
    expect(fields({ ...manual, note: 'n'.repeat(201) })).toEqual(['note']);
    expect(fields({ ...manual, scheduledAt: '2025-06-02 18:00' })).toEqual(['scheduledAt']);
    expect(fields({ ...manual, campaignId: 'spring', phoneNumber: '+1' })).toEqual([
      'campaignId',
      'phoneNumber',
    ]);
  });
});

describe('toDeleteAppointBody', () => {
  it('carries the id as appointId', () => {
    expect(toDeleteAppointBody('174712034211433247704877116507')).toEqual({
      appointId: '174712034211433247704877116507',
    });
  });
});

describe('time zones', () => {
  it.each(['UTC', 'Asia/Kolkata', 'Asia/Shanghai', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5'])(
    'takes %s',
    (zone) => expect(isIanaTimeZone(zone)).toBe(true),
  );

  it.each(['', 'Mars/Olympus', '+05:30', 'UTC+8', 'Asia/Kolkata ', 'x'.repeat(65), 42, undefined])(
    'refuses %j',
    (zone) => expect(isIanaTimeZone(zone)).toBe(false),
  );
});
