import { join } from 'node:path';

/** The repository's root, the working directory a child process needs for the paths below. */
export const REPO_ROOT = join(__dirname, '../..');

/** Node flags that run the repository's TypeScript sources (transpiled only, `@app/*` paths mapped). */
export const TS_NODE_ARGS = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];
