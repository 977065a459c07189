import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'undici';
import { loadTlsFiles, RunningSandbox, startSandbox } from '../../apps/sandbox/src/sandbox';
import { ApiClient, client } from './http';

export const SANDBOX_CA_FILE = join(__dirname, '../../apps/sandbox/tls/ca.pem');

export interface TestSandbox extends RunningSandbox {
  /** Control API of each simulated vendor. */
  isales: ApiClient;
  ozonetel: ApiClient;
}

/** The bundled vendor simulators on free loopback ports, iSales over HTTPS with its private CA. */
export async function startTestSandbox(): Promise<TestSandbox> {
  const sandbox = await startSandbox({ isales: { port: 0, tls: loadTlsFiles() }, ozonetel: { port: 0 } });
  const tlsAgent = new Agent({ connect: { ca: readFileSync(SANDBOX_CA_FILE, 'utf8') } });
  return {
    ...sandbox,
    isales: client(sandbox.isalesUrl, null, tlsAgent),
    ozonetel: client(sandbox.ozonetelUrl, null),
  };
}

export interface VendorCall {
  seq: number;
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  account?: string;
  body: any;
  status: number;
  response: any;
  rateLimited: boolean;
  fault?: string;
  traceparent?: string;
}

export async function vendorCalls(vendor: ApiClient): Promise<VendorCall[]> {
  const answer = await vendor.get('/__sandbox/calls');
  return answer.body.items as VendorCall[];
}

/** Back to the seed: state, call log, faults, rate windows and tokens, on both vendors. */
export async function resetSandbox(sandbox: TestSandbox): Promise<void> {
  await Promise.all([sandbox.isales.post('/__sandbox/reset'), sandbox.ozonetel.post('/__sandbox/reset')]);
}

/** The deleteCampaignData calls Ozonetel received, in arrival order. */
export async function ozonetelDeleteCalls(sandbox: TestSandbox): Promise<VendorCall[]> {
  return (await vendorCalls(sandbox.ozonetel)).filter((c) => c.path === '/ca_apis/deleteCampaignData');
}
