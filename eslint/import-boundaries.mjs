// @ts-check
/**
 * The monorepo's import boundaries as one ESLint rule, `boundaries/imports`. Every import is resolved
 * to a folder of the repository, from a `@app/...` alias (tsconfig.json's paths) or a relative path
 * alike, and refused when it crosses a boundary:
 *
 * - `libs/*` never imports `apps/*`;
 * - `libs/core` imports nothing of ours outside itself;
 * - the provider kit (`libs/providers/kit`, the code every adapter shares) is a library adapters may
 *   import, not an adapter; it imports nothing of ours but `libs/core` and `libs/http-client`;
 * - an adapter (`libs/providers/<name>`) imports no other adapter and nothing of `libs/store`: the ports
 *   it needs (the token cache) are the core's. Its specs may wire the memory stores and the real gate;
 * - `apps/sandbox` imports neither `libs/providers/*` nor `libs/store`: the simulators share no code
 *   with the adapters or the stores (docs/architecture.md).
 *
 * Written here rather than taken from eslint-plugin-boundaries: that one needs an import resolver
 * plugin for the aliases, and the rules above are a few lines of path matching.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROVIDER_KIT = 'libs/providers/kit';
/** What the provider kit may import besides itself. */
const KIT_MAY_IMPORT = new Set(['core', 'http-client']);

/** tsconfig.json's `paths`: alias → folder relative to the root (a `/*` alias and its target keep their star). */
function aliases() {
  const { compilerOptions } = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'));
  return Object.entries(compilerOptions.paths ?? {}).map(([alias, [target]]) => ({
    alias,
    target: path.posix.normalize(target),
  }));
}

/** Where an import points, relative to the root (posix); undefined for a package or anything outside the repository. */
function resolveImport(specifier, fromFile, paths) {
  let target;
  if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
    target = path.resolve(path.dirname(fromFile), specifier);
  } else {
    for (const { alias, target: to } of paths) {
      if (alias.endsWith('/*')) {
        const prefix = alias.slice(0, -1);
        if (specifier.startsWith(prefix)) {
          const rest = specifier.slice(prefix.length);
          // `@app/providers/*` → `libs/providers/*/src`: the star may stand inside the target.
          target = to.includes('*') ? path.join(ROOT, to.replace('*', rest)) : path.join(ROOT, to, rest);
          break;
        }
      } else if (specifier === alias) {
        target = path.join(ROOT, to);
        break;
      }
    }
  }
  if (target === undefined) return undefined;
  const relative = path.relative(ROOT, target).split(path.sep).join('/');
  if (relative.startsWith('..')) return undefined;
  const indexed = relative.replace(/\/index(\.[cm]?[jt]s)?$/, '');
  return { path: `${indexed}/` };
}

/** Which part of the monorepo a path (ending in `/` for a folder) belongs to. */
function partOf(relative) {
  let match;
  if ((match = /^apps\/([^/]+)\//.exec(relative))) return { kind: 'app', name: match[1] };
  // The kit sits among the adapters but is a library they share, not one of them.
  if (relative.startsWith(`${PROVIDER_KIT}/`)) return { kind: 'lib', name: 'provider-kit' };
  if ((match = /^libs\/providers\/([^/]+)\//.exec(relative))) return { kind: 'provider', name: match[1] };
  if ((match = /^libs\/([^/]+)\//.exec(relative))) return { kind: 'lib', name: match[1] };
  return undefined;
}

const describe = (part) =>
  part.kind === 'app'
    ? `apps/${part.name}`
    : part.kind === 'provider'
      ? `libs/providers/${part.name}`
      : part.name === 'provider-kit'
        ? PROVIDER_KIT
        : 'libs/' + part.name;

/** @type {import('eslint').Rule.RuleModule} */
const importsRule = {
  meta: {
    type: 'problem',
    docs: { description: "Keeps the monorepo's libraries and apps within their import boundaries" },
    schema: [],
    messages: {
      libImportsApp: '{{from}} must not import {{to}}: libraries never import apps.',
      coreImportsOurs: 'libs/core must not import {{to}}: the core imports nothing of ours.',
      kitImportsOurs:
        '{{from}} must not import {{to}}: the provider kit imports only libs/core and libs/http-client.',
      adapterImportsAdapter: '{{from}} must not import {{to}}: adapters never import one another.',
      adapterImportsStore:
        '{{from}} must not import libs/store: adapters take the ports they need (TokenCache) from libs/core.',
      sandboxImportsOurs:
        'apps/sandbox must not import {{to}}: the simulators share no code with the adapters or the stores.',
    },
  },
  create(context) {
    const file = context.physicalFilename;
    const from = partOf(path.relative(ROOT, file).split(path.sep).join('/'));
    if (!from) return {};
    const isSpec = /\.spec\.ts$/.test(file);
    const paths = aliases();

    /** @param {any} node the statement, @param {any} source its module specifier literal */
    function check(node, source) {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const target = resolveImport(source.value, file, paths);
      const to = target && partOf(target.path);
      if (!from || !to) return;
      const report = (messageId, data = {}) =>
        context.report({
          node: source,
          messageId,
          data: { from: describe(from), to: describe(to), ...data },
        });
      if (from.kind !== 'app' && to.kind === 'app') return report('libImportsApp');
      const same = from.kind === to.kind && from.name === to.name;
      if (from.kind === 'lib' && from.name === 'core' && !same) return report('coreImportsOurs');
      if (from.kind === 'lib' && from.name === 'provider-kit' && !same && !KIT_MAY_IMPORT.has(to.name)) {
        return report('kitImportsOurs');
      }
      if (from.kind === 'provider' && to.kind === 'provider' && !same) return report('adapterImportsAdapter');
      if (from.kind === 'provider' && to.kind === 'lib' && to.name === 'store' && !isSpec) {
        return report('adapterImportsStore');
      }
      if (from.kind === 'app' && from.name === 'sandbox' && (to.kind === 'provider' || to.name === 'store')) {
        return report('sandboxImportsOurs');
      }
    }

    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      /** @param {any} node */
      TSImportEqualsDeclaration: (node) =>
        node.moduleReference.type === 'TSExternalModuleReference' &&
        check(node, node.moduleReference.expression),
      /** @param {any} node */
      TSImportType: (node) =>
        check(node, node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.source),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require')
          check(node, node.arguments[0]);
      },
    };
  },
};

/** The plugin, and a flat-config block that turns the rule on for apps and libraries. */
export const boundariesPlugin = { meta: { name: 'boundaries' }, rules: { imports: importsRule } };

export const boundaries = {
  files: ['apps/**/*.ts', 'libs/**/*.ts'],
  plugins: { boundaries: boundariesPlugin },
  rules: { 'boundaries/imports': 'error' },
};
