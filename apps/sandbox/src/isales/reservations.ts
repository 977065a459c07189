import { randomInt } from 'node:crypto';
import { IsalesReservation } from '../seed';
import {
  CALLED_NUMBER,
  checkMaxLength,
  IsalesBody,
  readIntegerField,
  readTextField,
  requireTextField,
} from './field-readers';
import { IsalesRequest } from './isales-request';
import { IsalesStore } from './isales-store';
import { IsalesCode, IsalesEnvelope, IsalesRejection, successEnvelope } from './result-codes';

/**
 * POST /appoint/create. Checks run in this order: callType, calledNo, blocklist, taskId, appointTime,
 * agent account, remark, callData. A missing mandatory field is 02000001 (empty parameter).
 */
export function createReservation(request: IsalesRequest, store: IsalesStore): IsalesEnvelope {
  const body = request.body;
  const callType = readCallType(body);

  const calledNo = requireTextField(body, 'calledNo');
  if (!CALLED_NUMBER.test(calledNo)) throw new IsalesRejection(IsalesCode.badCalledNumber);
  if (store.isBlocklisted(calledNo)) throw new IsalesRejection(IsalesCode.blocklistedNumber);

  const taskId = requireTextField(body, 'taskId');
  if (store.campaign(request.vdnId, taskId) === undefined) {
    throw new IsalesRejection(IsalesCode.campaignNotFound, `taskId ${taskId}.`);
  }

  const appointTime = readAppointTime(body);
  if (appointTime <= request.now)
    throw new IsalesRejection(IsalesCode.badAppointTime, 'appointTime must be in the future.');

  // Some deployments name the agent by work number instead of account; either one will do.
  const userAccount = readTextField(body, 'userAccount') ?? readTextField(body, 'workNo');
  if (callType === 1 && userAccount === undefined) {
    throw new IsalesRejection(
      IsalesCode.emptyParameter,
      'userAccount (or workNo) is required for callType 1',
    );
  }

  const remark = readTextField(body, 'remark');
  checkMaxLength('remark', remark, 200);

  const callData = readCallData(body);
  checkMaxLength('callData', callData, 1024);
  if (callData !== undefined && callType === 1) {
    throw new IsalesRejection(
      IsalesCode.badCombination,
      'callData is only for automatic (callType 2) reservations',
    );
  }

  const reservation: IsalesReservation = {
    id: freshReservationId(store),
    vdnId: request.vdnId,
    taskId,
    calledNo,
    callType,
    appointTime,
    state: 'pending',
  };
  if (userAccount !== undefined) reservation.userAccount = userAccount;
  if (remark !== undefined) reservation.remark = remark;
  if (callData !== undefined) reservation.callData = callData;
  store.addReservation(reservation);
  // The seed page's example answers `id`; Huawei's field table names it `appointId`. A tenant switch
  // picks one, so a client that reads only one of them fails against the other.
  const idField = request.tenant.appointIdField ?? 'id';
  return successEnvelope('success', { returnObject: { [idField]: reservation.id } });
}

/** POST /appoint/delete `{appointId}`: refused while its call is in progress. */
export function deleteReservation(request: IsalesRequest, store: IsalesStore): IsalesEnvelope {
  const appointId = requireTextField(request.body, 'appointId');
  const reservation = store.reservation(request.vdnId, appointId);
  if (reservation === undefined) throw new IsalesRejection(IsalesCode.reservationNotFound);
  if (reservation.state === 'calling') throw new IsalesRejection(IsalesCode.reservationInCall);
  store.removeReservation(reservation);
  return successEnvelope('success');
}

/**
 * POST /appoint/list with filters calledNo, taskId, userAccountList, beginTime, endTime (epoch ms on
 * appointTime) and paging offset / limit (defaults 0 / 10, limit at most 100: inferred). The page goes
 * out both as `data` (the vendor page's name) and `returnObject`, with `totalCount`.
 */
export function listReservations(request: IsalesRequest, store: IsalesStore): IsalesEnvelope {
  const body = request.body;
  const calledNo = readTextField(body, 'calledNo');
  const taskId = readTextField(body, 'taskId');
  const accounts = readAccountList(body);
  const beginTime = readIntegerField(body, 'beginTime');
  const endTime = readIntegerField(body, 'endTime');
  const offset = readIntegerField(body, 'offset') ?? 0;
  const limit = readIntegerField(body, 'limit') ?? 10;
  if (offset < 0) throw new IsalesRejection(IsalesCode.wrongValue, 'offset must not be negative');
  if (limit < 1 || limit > 100) throw new IsalesRejection(IsalesCode.wrongValue, 'limit must be 1..100');

  const matching = store
    .reservationsOf(request.vdnId)
    .filter((reservation) => calledNo === undefined || reservation.calledNo === calledNo)
    .filter((reservation) => taskId === undefined || reservation.taskId === taskId)
    .filter((reservation) => accounts === undefined || accounts.includes(reservation.userAccount ?? ''))
    .filter((reservation) => beginTime === undefined || reservation.appointTime >= beginTime)
    .filter((reservation) => endTime === undefined || reservation.appointTime <= endTime)
    .sort((a, b) => a.appointTime - b.appointTime || a.id.localeCompare(b.id));
  const page = matching.slice(offset, offset + limit).map(listItem);
  return successEnvelope('success', { totalCount: matching.length, data: page, returnObject: page });
}

function listItem(reservation: IsalesReservation): Record<string, unknown> {
  const item: Record<string, unknown> = {
    appointId: reservation.id,
    callType: String(reservation.callType),
    appointTime: reservation.appointTime,
    calledNo: reservation.calledNo,
    taskId: reservation.taskId,
    state: reservation.state,
  };
  if (reservation.userAccount !== undefined) item.userAccount = reservation.userAccount;
  if (reservation.remark !== undefined) item.remark = reservation.remark;
  if (reservation.callData !== undefined) item.callData = reservation.callData;
  return item;
}

/** 1 manual, 2 automatic; the vendor's own example sends it as text ("1"). */
function readCallType(body: IsalesBody): 1 | 2 {
  const value = body.callType;
  if (value === undefined || value === null || value === '') {
    throw new IsalesRejection(IsalesCode.emptyParameter, 'callType is required');
  }
  if (value === 1 || value === '1') return 1;
  if (value === 2 || value === '2') return 2;
  throw new IsalesRejection(IsalesCode.wrongValue, 'callType must be 1 or 2');
}

/** Epoch milliseconds, as a number or numeric text; anything else is an incorrect time. */
function readAppointTime(body: IsalesBody): number {
  const value = body.appointTime;
  if (value === undefined || value === null || value === '') {
    throw new IsalesRejection(IsalesCode.emptyParameter, 'appointTime is required');
  }
  const time = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof time !== 'number' || !Number.isSafeInteger(time)) {
    throw new IsalesRejection(IsalesCode.badAppointTime, 'appointTime must be epoch milliseconds');
  }
  return time;
}

/** callData is JSON carried as a string; an object in its place is a type error. */
function readCallData(body: IsalesBody): string | undefined {
  const value = body.callData;
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new IsalesRejection(IsalesCode.wrongType, 'callData must be a string');
  return value;
}

function readAccountList(body: IsalesBody): string[] | undefined {
  const value = body.userAccountList;
  if (value === undefined || value === null) return undefined;
  if (!isTextList(value)) {
    throw new IsalesRejection(IsalesCode.wrongType, 'userAccountList must be an array of strings');
  }
  return value.length === 0 ? undefined : value;
}

function isTextList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** 30 digits, not starting with 0, like the vendor's example `174712034211433247704877116507`. */
function freshReservationId(store: IsalesStore): string {
  for (;;) {
    let id = String(randomInt(1, 10));
    while (id.length < 30) id += String(randomInt(0, 10));
    if (!store.hasReservationId(id)) return id;
  }
}
