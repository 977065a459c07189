import { ApiClient } from './http';
import { KEYS } from './keys';
import { startTestGateway, testConfig, TestGateway } from './gateway';
import { resetSandbox, startTestSandbox, TestSandbox, vendorCalls, vendorControls } from './sandbox';

export interface Harness {
  sandbox: TestSandbox;
  gateway: TestGateway;
  admin: ApiClient;
}

/**
 * One sandbox and one gateway for a suite, the sandbox back at its seed before every test. Returns a
 * getter, since the parts exist only once beforeAll has run.
 */
export function useHarness(
  overrides?: (vendors: TestSandbox) => Parameters<typeof testConfig>[1],
): () => Harness {
  let harness: Harness | undefined;
  beforeAll(async () => {
    const sandbox = await startTestSandbox();
    const gateway = await startTestGateway(testConfig(sandbox, overrides?.(sandbox)));
    harness = { sandbox, gateway, admin: gateway.as(KEYS.admin) };
  });
  beforeEach(async () => {
    if (harness) await resetSandbox(harness.sandbox);
  });
  afterAll(async () => {
    await harness?.gateway.close();
    await harness?.sandbox.close();
  });
  return () => {
    if (!harness) throw new Error('the harness is not up');
    return harness;
  };
}

/** Vendor calls the sandbox saw on every vendor, to prove what was (not) sent. */
export async function allVendorCalls(sandbox: TestSandbox) {
  return (await Promise.all(vendorControls(sandbox).map(vendorCalls))).flat();
}

/** The problem+json shape every error answer must have. */
export function expectProblem(
  answer: { status: number; headers: Record<string, string>; body: any },
  status: number,
  code: string,
) {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status, code });
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({
    type: `/problems/${code}`,
    status,
    code,
    requestId: answer.headers['x-request-id'],
  });
  expect(typeof answer.body.title).toBe('string');
  expect(typeof answer.body.detail).toBe('string');
}
