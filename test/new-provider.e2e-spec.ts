import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * `npm run new:provider -- acme` on a copy of the repository: the scaffolded vendor must compile, pass
 * lint and its own tests (found by name), and touch nothing but new files and the two registries.
 */
const ROOT = join(__dirname, '..');
const NAME = 'acme';
const REGISTRIES = ['apps/gateway/src/providers/plugins.ts', 'apps/sandbox/src/simulators.ts'];

function run(cwd: string, command: string, args: string[]): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', FORCE_COLOR: '0' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result;
}

/** The repository's files as git sees them (tracked, and new ones it does not ignore). */
function repositoryFiles(): string[] {
  const listed = run(ROOT, 'git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard']).stdout;
  return listed.split('\0').filter((file) => file !== '' && file !== 'node_modules');
}

describe('npm run new:provider', () => {
  let copy: string;

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'new-provider-'));
    for (const file of repositoryFiles()) {
      mkdirSync(join(copy, dirname(file)), { recursive: true });
      // A file deleted in the working tree but still tracked is skipped.
      try {
        cpSync(join(ROOT, file), join(copy, file));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(copy, 'node_modules'));
    // A repository of its own, so `git status` tells exactly what the generator changed.
    run(copy, 'git', ['init', '-q']);
    run(copy, 'git', ['add', '-A']);
    run(copy, 'git', [
      '-c',
      'user.name=test',
      '-c',
      'user.email=test@example.invalid',
      'commit',
      '-qm',
      'base',
    ]);
  });

  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it(
    `scaffolds ${NAME}: it typechecks, lints, passes its own tests, and changes only the two registries`,
    () => {
      run(copy, process.execPath, ['scripts/new-provider.mjs', NAME]);

      const status = run(copy, 'git', ['status', '--porcelain', '--untracked-files=all']).stdout;
      const entries = status.split('\n').filter((line) => line !== '');
      const changed = entries.filter((line) => !line.startsWith('?? ')).map((line) => line.slice(3));
      const added = entries.filter((line) => line.startsWith('?? ')).map((line) => line.slice(3));
      expect(changed.sort()).toEqual([...REGISTRIES].sort());
      expect(added).toEqual(
        expect.arrayContaining([
          `libs/providers/${NAME}/src/adapter.ts`,
          `libs/providers/${NAME}/src/contract.spec.ts`,
          `apps/sandbox/src/${NAME}/${NAME}-vendor.ts`,
          `test/${NAME}-smoke.e2e-spec.ts`,
        ]),
      );
      for (const file of added) {
        expect(file).toMatch(
          new RegExp(`^(libs/providers/${NAME}/|apps/sandbox/src/${NAME}/|test/${NAME}-)`),
        );
      }

      run(copy, 'npm', ['run', 'typecheck']);
      run(copy, 'npm', ['run', 'lint']);
      const jest = run(copy, process.execPath, [
        '--experimental-vm-modules',
        '--disable-warning=ExperimentalWarning',
        'node_modules/jest/bin/jest.js',
        NAME,
        '--runInBand',
        '--ci',
      ]);
      const summary = `${jest.stdout}\n${jest.stderr}`;
      // Its library (errors, contract), its simulator and its smoke test through the gateway all ran.
      for (const suite of [
        `libs/providers/${NAME}/src/contract.spec.ts`,
        `libs/providers/${NAME}/src/errors.spec.ts`,
        `apps/sandbox/src/${NAME}/${NAME}-simulator.spec.ts`,
        `test/${NAME}-smoke.e2e-spec.ts`,
      ]) {
        expect(summary).toContain(`PASS`);
        expect(summary).toMatch(new RegExp(`PASS \\w+ ${suite.replace(/[.]/g, '\\.')}`));
      }
      expect(summary).toMatch(/Tests:\s+\d+ passed, \d+ total/);
      expect(summary).not.toMatch(/failed/);
    },
    10 * 60_000,
  );
});
