import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { REPO_ROOT, TS_NODE_ARGS } from '../../../../test/support/ts-node';

/** Runs `body` in a node process of its own, with `log` (pino on stdoutLogDestination(options)) in scope. */
function logInChild(options: string, body: string) {
  const code = `
    const pino = require('pino');
    const { stdoutLogDestination } = require('./apps/gateway/src/logging/log-destination');
    const log = pino({ base: null, timestamp: false }, stdoutLogDestination(${options}));
    ${body}
  `;
  const child = spawn(process.execPath, [...TS_NODE_ARGS, '-e', code], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return { child, stderr: () => stderr };
}

const readAll = async (stream: NodeJS.ReadableStream): Promise<string> => {
  let text = '';
  for await (const chunk of stream) text += (chunk as Buffer).toString('utf8');
  return text;
};

describe('stdoutLogDestination', () => {
  it('writes every line, the last ones too, when the process exits right after logging them', async () => {
    const { child } = logInChild(
      '{}',
      `for (let i = 0; i < 2000; i++) log.info('line ' + i); process.exit(0);`,
    );
    const lines = (await readAll(child.stdout)).split('\n').filter(Boolean);
    expect(lines).toHaveLength(2000);
    expect(JSON.parse(lines[1999])).toMatchObject({ msg: 'line 1999' });
  }, 30_000);

  it('drops lines past its backlog while stdout is not read, says so once, and never blocks the process', async () => {
    const { child, stderr } = logInChild(
      '{ backlogLimitBytes: 64 * 1024 }',
      `const pad = 'x'.repeat(200);
       for (let i = 0; i < 5000; i++) log.info(pad + i);
       process.stderr.write('logged\\n');`,
    );
    // Nobody reads stdout until the child says it has logged everything: its pipe fills up meanwhile.
    // A 'readable' listener rather than pause(): when the child exits first, child_process resumes a
    // merely paused stdout, and what the child wrote would flow away unread.
    child.stdout.on('readable', () => undefined);
    for (let waited = 0; !stderr().includes('logged') && waited < 20_000; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stderr()).toContain('logged');
    const text = await readAll(child.stdout);
    if (child.exitCode === null) await once(child, 'exit');
    expect(child.exitCode).toBe(0);
    const lines = text.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(5000);
    expect(stderr().match(/log lines dropped/g)).toHaveLength(1);
  }, 30_000);
});
