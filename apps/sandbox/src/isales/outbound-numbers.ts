import { IsalesNumber } from '../seed';
import { campaignFromUrl } from './campaign-operations';
import {
  CALLED_NUMBER,
  checkMaxLength,
  IsalesBody,
  readArchiveHistory,
  readTextField,
} from './field-readers';
import { IsalesRequest } from './isales-request';
import { IsalesStore } from './isales-store';
import { IsalesCode, IsalesEnvelope, IsalesRejection, successEnvelope } from './result-codes';

/** 1: on or before that day; 2: that day; 3: that exact time. */
type RecycleType = '1' | '2' | '3';

/** Which numbers a delete request names: exactly one part is given (see readNumberSelector). */
export interface NumberSelector {
  sessionId?: string;
  called?: string;
  customField?: string;
  recycle?: { time: string; type: RecycleType };
}

const RECYCLE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * POST /calldata/{campaignId}/delete. Body checks come before the campaign lookup. Numbers that are
 * being called or were called, and any match in a running campaign, block the whole request (0200028)
 * and nothing is deleted; a selector that matches nothing is a success with successCount 0.
 */
export function deleteOutboundNumbers(request: IsalesRequest, store: IsalesStore): IsalesEnvelope {
  const selector = readNumberSelector(request.body);
  const campaign = campaignFromUrl(request, store);
  const matches = campaign.numbers.filter((number) => matchesSelector(number, selector));
  if (matches.length > 0 && campaign.status === 2) {
    throw new IsalesRejection(IsalesCode.numberStateForbidsDelete, 'The campaign is running.');
  }
  const busy = matches.find((number) => number.state !== 'pending');
  if (busy !== undefined) {
    throw new IsalesRejection(IsalesCode.numberStateForbidsDelete, `Number ${busy.called} is ${busy.state}.`);
  }
  campaign.numbers = campaign.numbers.filter((number) => !matches.includes(number));
  return successEnvelope('', { successCount: matches.length });
}

export function readNumberSelector(body: IsalesBody): NumberSelector {
  const selector: NumberSelector = {};

  const sessionId = readTextField(body, 'sessionId');
  checkMaxLength('sessionId', sessionId, 32);
  if (sessionId !== undefined) selector.sessionId = sessionId;

  const called = readTextField(body, 'called');
  checkMaxLength('called', called, 24);
  if (called !== undefined && !CALLED_NUMBER.test(called)) {
    throw new IsalesRejection(IsalesCode.invalidCharacters, 'called may hold only digits, * and #');
  }
  if (called !== undefined) selector.called = called;

  const customField = readTextField(body, 'customField');
  checkMaxLength('customField', customField, 200);
  if (customField !== undefined) selector.customField = customField;

  const recycleTime = readTextField(body, 'recycleTime');
  const recycleType = readTextField(body, 'recycleType');
  if (recycleType !== undefined && recycleTime === undefined) {
    throw new IsalesRejection(IsalesCode.badCombination, 'recycleType is valid only with recycleTime');
  }
  if (recycleType !== undefined && recycleType !== '1' && recycleType !== '2' && recycleType !== '3') {
    throw new IsalesRejection(IsalesCode.wrongValue, 'recycleType must be 1, 2 or 3');
  }
  if (recycleTime !== undefined && !isRecycleTime(recycleTime)) {
    throw new IsalesRejection(IsalesCode.badTimeFormat, 'recycleTime must be yyyy-mm-dd hh:mm:ss');
  }
  // Without a recycleType, a recycleTime can only mean that exact time (inferred).
  if (recycleTime !== undefined) selector.recycle = { time: recycleTime, type: recycleType ?? '3' };

  readArchiveHistory(body);

  const given = Object.keys(selector);
  if (given.length === 0) {
    throw new IsalesRejection(
      IsalesCode.parameterError,
      'One of sessionId, called, customField or recycleTime is required.',
    );
  }
  // The page documents each selector alone and says nothing of combining them. Refusing a combination
  // (inferred) makes a client that sends two fail loudly here instead of relying on a guess (AND? OR?)
  // that a real server may not share.
  if (given.length > 1) {
    throw new IsalesRejection(
      IsalesCode.badCombination,
      'Only one of sessionId, called, customField or recycleTime may be given.',
    );
  }
  return selector;
}

export function matchesSelector(number: IsalesNumber, selector: NumberSelector): boolean {
  if (selector.sessionId !== undefined && number.sessionId !== selector.sessionId) return false;
  if (selector.called !== undefined && number.called !== selector.called) return false;
  if (selector.customField !== undefined && number.customField !== selector.customField) return false;
  if (selector.recycle !== undefined && !matchesRecycle(number.recycleTime, selector.recycle)) return false;
  return true;
}

/** The format is fixed-width, so comparing the text compares the times. */
function matchesRecycle(
  numberTime: string | undefined,
  recycle: { time: string; type: RecycleType },
): boolean {
  if (numberTime === undefined) return false;
  const day = recycle.time.slice(0, 10);
  switch (recycle.type) {
    case '1':
      return numberTime.slice(0, 10) <= day;
    case '2':
      return numberTime.slice(0, 10) === day;
    case '3':
      return numberTime === recycle.time;
  }
}

/** `yyyy-mm-dd hh:mm:ss` naming a real calendar time. */
export function isRecycleTime(text: string): boolean {
  const parts = RECYCLE_TIME.exec(text);
  if (parts === null) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60
  );
}
