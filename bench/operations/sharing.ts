import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayProcess } from '../../test/support/gateway-process';
import { KEYS } from '../../test/support/keys';
import { numberRange, seedOzonetelNumbers, waitForOperation } from '../../test/support/operations';
import { TestSandbox, vendorCalls } from '../../test/support/sandbox';
import { maxInAnyWindow } from '../../test/support/windows';
import { percentile } from '../shared/stats';
import { BUDGET, deletePath, ISALES, OZONETEL, OZONETEL_TOKEN } from './configs';
import { cancelOperation, deleteBody, OperationView, runMs, startOperation } from './requests';

export interface InteractiveLatency {
  calls: number;
  /** windowMs / limit: how far apart grants free while interactive calls keep coming. */
  spacingMs: number;
  /** From sending the request to the vendor receiving its number. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The first call after the bulk run filled a window, not counted above. */
  firstCallMs: number;
  maxInAnyWindow: number;
  vendor429s: number;
}

/**
 * Interactive calls made while a bulk operation spends the whole budget: for each, how long from
 * sending it until the vendor received its number (the sandbox logs when, on the same clock). The
 * first call after a quiet spell may wait for the window a burst filled; the following ones should
 * wait at most one spacing. Calls go to the replicas in turn.
 */
export async function measureInteractiveLatency(
  replicas: GatewayProcess[],
  sandbox: TestSandbox,
  options: { bulkNumbers: number; calls: number },
): Promise<InteractiveLatency> {
  const bulk = numberRange(9_620_000_000, options.bulkNumbers);
  const singles = numberRange(9_630_000_000, options.calls + 1);
  await sandbox.ozonetel.post('/__sandbox/reset');
  await sandbox.ozonetel.put('/__sandbox/rate-limit', { body: BUDGET });
  await seedOzonetelNumbers(sandbox, [...bulk, ...singles]);
  const api = replicas[0].as(KEYS.admin);
  const { operation } = await startOperation(api, OZONETEL, deleteBody(bulk));
  await sleep(500); // the bulk run has filled the window

  const sentAt = new Map<string, number>();
  for (const [i, number] of singles.entries()) {
    const replica = replicas[i % replicas.length].as(KEYS.admin);
    sentAt.set(number, Date.now());
    const answer = await replica.post(deletePath(OZONETEL), { body: { phoneNumbers: [number] } });
    if (answer.status !== 200) throw new Error(`single delete answered ${answer.status}: ${answer.text}`);
    await sleep(20 + Math.random() * 200);
  }
  await cancelOperation(api, operation.id);

  const calls = (await vendorCalls(sandbox.ozonetel)).filter((c) => c.path === '/ca_apis/deleteCampaignData');
  const latency = (number: string) => {
    const call = calls.find((c) => c.body.phoneNumber === number && !c.rateLimited);
    if (!call) throw new Error(`the vendor never received ${number}`);
    return call.at - sentAt.get(number)!;
  };
  const [first, ...others] = singles.map(latency);
  const rest = others.sort((a, b) => a - b);
  return {
    calls: rest.length,
    spacingMs: BUDGET.windowMs / BUDGET.limit,
    p50Ms: percentile(rest, 50),
    p99Ms: percentile(rest, 99),
    maxMs: Math.max(...rest),
    firstCallMs: first,
    maxInAnyWindow: maxInAnyWindow(
      calls.map((c) => c.at),
      BUDGET.windowMs,
    ),
    vendor429s: calls.filter((c) => c.rateLimited).length,
  };
}

export interface HeadOfLine {
  /** The iSales operation on an idle gateway, creation to completion. */
  aloneMs: number;
  /** The same while four operations wait on two Ozonetel accounts that allow 1 call per 10 s. */
  behindSlowAccountsMs: number;
  slowOperationsStillRunning: number;
}

/**
 * The head-of-line scenario: a gateway with two chunk workers, four small operations on two accounts
 * whose budget is nearly spent for a long time, then a 3-number operation on an iSales account with
 * budget. It should take about as long as alone: waiting chunks are off the workers.
 */
export async function measureHeadOfLine(replica: GatewayProcess): Promise<HeadOfLine> {
  const api = replica.as(KEYS.admin);
  const isalesRun = async () => {
    const { operation } = await startOperation(api, ISALES, deleteBody(['66660101', '66660102', '66660103']));
    return runMs(await waitForOperation(api, operation.id, 60_000));
  };
  const aloneMs = await isalesRun();
  const slow: OperationView[] = [];
  for (const target of [OZONETEL, OZONETEL, OZONETEL_TOKEN, OZONETEL_TOKEN]) {
    const first = 9_640_000_000 + slow.length * 10;
    slow.push((await startOperation(api, target, deleteBody(numberRange(first, 3)))).operation);
  }
  await sleep(300); // each slow operation has taken its account's grant and stepped aside
  const behindSlowAccountsMs = await isalesRun();
  const states = await Promise.all(slow.map((o) => api.get(`/v1/operations/${o.id}`)));
  const slowOperationsStillRunning = states.filter(
    (s) => !['completed', 'failed', 'cancelled'].includes(s.body.status),
  ).length;
  await Promise.all(slow.map((o) => cancelOperation(api, o.id)));
  return { aloneMs, behindSlowAccountsMs, slowOperationsStillRunning };
}
