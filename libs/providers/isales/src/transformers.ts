import {
  CallbackMode,
  CallbackRequest,
  ContactSelection,
  FieldError,
  GatewayError,
  ScheduleMatch,
  validationFailed,
} from '@app/core';
import { ISALES_DESCRIPTOR, ISALES_LIMITS } from './descriptor';
import {
  IsalesCallType,
  IsalesCreateAppointBody,
  IsalesDeleteAppointBody,
  IsalesDeleteCampaignBody,
  IsalesDeleteNumbersBody,
  IsalesRecycleType,
} from './dto';
import { IsalesAgentIdField } from './config';
import { WallClock } from './time-zone';

/*
 * Neutral request -> iSales body. The gateway validates requests before they get here; the checks
 * repeated below are the ones whose omission would send something harmful (an id spliced into a
 * path, a filter delete with no filter) or something the vendor would refuse with a vaguer code.
 */

const RECYCLE_TYPE: Record<ScheduleMatch, IsalesRecycleType> = { onOrBefore: '1', sameDay: '2', exact: '3' };
const CALL_TYPE: Record<CallbackMode, IsalesCallType> = { manual: '1', automatic: '2' };

/** The selection's selectors, with the request field each comes from (called, sessionId, ...). */
const SELECTOR_FIELDS: readonly [keyof ContactSelection, string][] = [
  ['phoneNumber', 'phoneNumber'],
  ['sessionId', 'sessionId'],
  ['customField', 'customField'],
  ['scheduledTime', 'scheduledTime'],
];

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

export interface ParsedTime {
  /** The instant; the vendor's wall clock is derived from it in the account's zone, never from the text. */
  epochMs: number;
}

/** Strict RFC 3339 with a mandatory offset; undefined when the text is not a real instant. */
export function parseRfc3339(text: string): ParsedTime | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction, sign, oh, om] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  const offsetMinutes = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (sign && (Number(oh) > 23 || Number(om) > 59)) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCMonth() !== month - 1) return undefined; // e.g. 31 April rolled over
  date.setUTCHours(hour, minute, second, fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0);
  return { epochMs: date.getTime() - offsetMinutes * 60_000 };
}

/** The id as a path segment, or validation_failed: it is spliced into the URL. */
export function checkedCampaignId(campaignId: string): string {
  const problem = ISALES_DESCRIPTOR.checkCampaignId(campaignId);
  if (problem) throw validationFailed([{ field: 'campaignId', message: problem }]);
  return campaignId;
}

export function checkedCallbackId(callbackId: string): string {
  const problem = ISALES_DESCRIPTOR.checkCallbackId(callbackId);
  if (problem) throw validationFailed([{ field: 'callbackId', message: problem }]);
  return callbackId;
}

function checkText(errors: FieldError[], field: string, value: string, maxLength: number): void {
  if (value.length === 0) errors.push({ field, message: 'must not be empty' });
  else if (value.length > maxLength)
    errors.push({ field, message: `must be at most ${maxLength} characters` });
}

function checkPhone(errors: FieldError[], field: string, value: string): void {
  const problem = ISALES_DESCRIPTOR.checkPhoneNumber(value);
  if (problem) errors.push({ field, message: problem });
}

export function toDeleteCampaignBody(archive: boolean): IsalesDeleteCampaignBody {
  return { archiveHistory: archive ? 1 : 0 };
}

/**
 * One delete-numbers call: exactly one selector (one number or one filter) and the archive option.
 * `recycleClock` renders the scheduled time in the iSales server's zone (the account's `timeZone`).
 */
export function toDeleteNumbersBody(
  selection: ContactSelection,
  recycleClock: WallClock,
): IsalesDeleteNumbersBody {
  if (selection.contactName !== undefined) {
    throw new GatewayError('field_not_supported', 'iSales numbers cannot be selected by contactName', {
      errors: [{ field: 'contactName', message: 'is not supported by this provider' }],
    });
  }
  const errors: FieldError[] = [];
  const body: IsalesDeleteNumbersBody = {};
  if (selection.sessionId !== undefined) {
    checkText(errors, 'sessionId', selection.sessionId, ISALES_LIMITS.sessionIdMaxLength);
    body.sessionId = selection.sessionId;
  }
  if (selection.phoneNumber !== undefined) {
    checkPhone(errors, 'phoneNumber', selection.phoneNumber);
    body.called = selection.phoneNumber;
  }
  if (selection.customField !== undefined) {
    checkText(errors, 'customField', selection.customField, ISALES_LIMITS.customFieldMaxLength);
    body.customField = selection.customField;
  }
  if (selection.scheduledTime !== undefined) {
    const parsed = parseRfc3339(selection.scheduledTime.at);
    const recycleType = RECYCLE_TYPE[selection.scheduledTime.match];
    if (!parsed)
      errors.push({ field: 'scheduledTime.at', message: 'must be an RFC 3339 time with an offset' });
    if (!recycleType)
      errors.push({ field: 'scheduledTime.match', message: 'must be onOrBefore, sameDay or exact' });
    // The server reads recycleTime in its own zone: the caller's instant becomes that zone's wall clock.
    const recycleTime = parsed && recycleClock(parsed.epochMs);
    if (parsed && !recycleTime)
      errors.push({
        field: 'scheduledTime.at',
        message: "is outside years 0001..9999 in the account's time zone",
      });
    if (recycleTime && recycleType) {
      body.recycleTime = recycleTime;
      body.recycleType = recycleType;
    }
  }
  // Exactly one selector. An empty filter might mean "every number" to the vendor; two are documented
  // nowhere together (AND? OR? the first?), and guessing wrong could turn a one-number delete into a
  // batch delete: never send either.
  const given = SELECTOR_FIELDS.filter(([field]) => selection[field] !== undefined).map(([, name]) => name);
  if (given.length === 0) {
    errors.push({
      field: 'phoneNumbers',
      message: 'a phone number, sessionId, customField or scheduledTime is required',
    });
  } else if (given.length > 1) {
    for (const name of given) {
      errors.push({ field: name, message: `only one selector per call; ${given.join(' and ')} were given` });
    }
  }
  if (errors.length > 0) throw validationFailed(errors);
  if (selection.archive !== undefined) body.archiveHistory = selection.archive ? 1 : 0;
  return body;
}

export function toCreateAppointBody(
  request: CallbackRequest,
  agentIdField: IsalesAgentIdField,
): IsalesCreateAppointBody {
  const errors: FieldError[] = [];
  const campaignProblem = ISALES_DESCRIPTOR.checkCampaignId(request.campaignId);
  if (campaignProblem) errors.push({ field: 'campaignId', message: campaignProblem });
  checkPhone(errors, 'phoneNumber', request.phoneNumber);
  const callType = CALL_TYPE[request.mode];
  if (!callType) errors.push({ field: 'mode', message: 'must be manual or automatic' });
  const scheduled = parseRfc3339(request.scheduledAt);
  if (!scheduled) errors.push({ field: 'scheduledAt', message: 'must be an RFC 3339 time with an offset' });
  if (request.agentId !== undefined) {
    checkText(errors, 'agentId', request.agentId, 256);
  } else if (request.mode === 'manual') {
    errors.push({ field: 'agentId', message: 'is required for a manual callback' });
  }
  if (request.note !== undefined) checkText(errors, 'note', request.note, ISALES_LIMITS.noteMaxLength);
  let callData: string | undefined;
  if (request.callData !== undefined) {
    callData = JSON.stringify(request.callData);
    if (request.mode !== 'automatic') {
      errors.push({ field: 'callData', message: 'is only allowed for an automatic callback' });
    } else if (callData.length > ISALES_LIMITS.callDataMaxLength) {
      errors.push({
        field: 'callData',
        message: `must be at most ${ISALES_LIMITS.callDataMaxLength} characters as JSON`,
      });
    }
  }
  if (errors.length > 0 || !scheduled) throw validationFailed(errors);

  // Field order follows the vendor page's example, which makes captured traffic easy to compare.
  const body: IsalesCreateAppointBody = {
    callType,
    calledNo: request.phoneNumber,
    ...(request.agentId !== undefined ? { [agentIdField]: request.agentId } : {}),
    taskId: request.campaignId,
    appointTime: scheduled.epochMs,
    ...(request.note !== undefined ? { remark: request.note } : {}),
    ...(callData !== undefined ? { callData } : {}),
  };
  return body;
}

export function toDeleteAppointBody(callbackId: string): IsalesDeleteAppointBody {
  return { appointId: checkedCallbackId(callbackId) };
}
