import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'undici';
import { RunningSandbox, SIMULATORS, SimulatorName, startSandbox } from '../../apps/sandbox/src/sandbox';
import { ApiClient, client } from './http';

export const SANDBOX_CA_FILE = join(__dirname, '../../apps/sandbox/tls/ca.pem');

/** The running sandbox, with the control API of each simulated vendor under its name. */
export type TestSandbox = RunningSandbox & { [N in SimulatorName]: ApiClient };

/**
 * Every simulator of the sandbox registry on a free loopback port, each over HTTPS with the private CA
 * or HTTP as the vendor does by default (iSales HTTPS, Ozonetel HTTP).
 */
export async function startTestSandbox(): Promise<TestSandbox> {
  const sandbox = await startSandbox();
  const tlsAgent = new Agent({ connect: { ca: readFileSync(SANDBOX_CA_FILE, 'utf8') } });
  const clients = Object.fromEntries(
    SIMULATORS.map((vendor) => {
      const url = sandbox.urls[vendor.name];
      return [vendor.name, client(url, null, url.startsWith('https:') ? tlsAgent : undefined)];
    }),
  ) as Record<SimulatorName, ApiClient>;
  return { ...sandbox, ...clients };
}

/** The control API of every simulated vendor. */
export function vendorControls(sandbox: TestSandbox): ApiClient[] {
  return SIMULATORS.map((vendor) => sandbox[vendor.name]);
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

/** Back to the seed: state, call log, faults, rate windows and tokens, on every vendor. */
export async function resetSandbox(sandbox: TestSandbox): Promise<void> {
  await Promise.all(vendorControls(sandbox).map((vendor) => vendor.post('/__sandbox/reset')));
}

/** The deleteCampaignData calls Ozonetel received, in arrival order. */
export async function ozonetelDeleteCalls(sandbox: TestSandbox): Promise<VendorCall[]> {
  return (await vendorCalls(sandbox.ozonetel)).filter((c) => c.path === '/ca_apis/deleteCampaignData');
}
