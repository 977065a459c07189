// @ts-check
/**
 * The monorepo's import boundaries as one ESLint rule, `boundaries/imports`. Every import is resolved
 * to a folder of the repository, from a `@app/...` alias (tsconfig.json's paths) or a relative path
 * alike, and refused when it crosses a boundary:
 *
 * - `libs/*` never imports `apps/*`;
 * - `libs/core` imports nothing of ours outside itself;
 * - an adapter (`libs/providers/<name>`) imports no other adapter, and no `libs/store` implementation:
 *   only the store's ports (`libs/store/src/ports`), directly or as names those ports export taken from
 *   the `@app/store` barrel (the Ozonetel adapter's `TokenCache`). Its specs may wire the memory stores;
 * - `apps/sandbox` imports neither `libs/providers/*` nor `libs/store`: the simulators share no code
 *   with the adapters or the stores (docs/architecture.md).
 *
 * Written here rather than taken from eslint-plugin-boundaries: that one needs an import resolver
 * plugin for the aliases, and the rules above are a few lines of path matching.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STORE_PORTS = 'libs/store/src/ports';

/** tsconfig.json's `paths`: alias → folder relative to the root (a `/*` alias keeps its star). */
function aliases() {
  const { compilerOptions } = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'));
  return Object.entries(compilerOptions.paths ?? {}).map(([alias, [target]]) => ({
    alias,
    target: path.posix.normalize(target),
  }));
}

/** Every name the store's port files export: all an adapter may take from the `@app/store` barrel. */
function storePortNames() {
  const names = new Set();
  for (const file of readdirSync(path.join(ROOT, STORE_PORTS))) {
    if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) continue;
    const source = readFileSync(path.join(ROOT, STORE_PORTS, file), 'utf8');
    for (const [, name] of source.matchAll(
      /^export\s+(?:declare\s+)?(?:abstract\s+)?(?:interface|type|class|const|let|function|enum)\s+(\w+)/gm,
    )) {
      names.add(name);
    }
  }
  return names;
}

/**
 * Where an import points, relative to the root (posix), with `barrel` set when it names a library's
 * index; undefined for a package or anything outside the repository.
 */
function resolveImport(specifier, fromFile, paths) {
  let target;
  if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
    target = path.resolve(path.dirname(fromFile), specifier);
  } else {
    for (const { alias, target: to } of paths) {
      if (alias.endsWith('/*')) {
        const prefix = alias.slice(0, -1);
        if (specifier.startsWith(prefix)) {
          target = path.join(ROOT, to.slice(0, -1), specifier.slice(prefix.length));
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
  return { path: `${indexed}/`, barrel: /^libs\/(?:providers\/)?[^/]+\/src$/.test(indexed) };
}

/** Which part of the monorepo a path (ending in `/` for a folder) belongs to. */
function partOf(relative) {
  let match;
  if ((match = /^apps\/([^/]+)\//.exec(relative))) return { kind: 'app', name: match[1] };
  if (relative.startsWith(`${STORE_PORTS}/`)) return { kind: 'store-port', name: 'store' };
  if ((match = /^libs\/providers\/([^/]+)\//.exec(relative))) return { kind: 'provider', name: match[1] };
  if ((match = /^libs\/([^/]+)\//.exec(relative))) return { kind: 'lib', name: match[1] };
  return undefined;
}

const describe = (part) =>
  part.kind === 'app'
    ? `apps/${part.name}`
    : part.kind === 'provider'
      ? `libs/providers/${part.name}`
      : 'libs/' + part.name;

/** Names an import statement takes, or undefined when it takes the whole module (or its side effects). */
function importedNames(node) {
  if (node.type === 'ImportDeclaration') {
    if (node.specifiers.length === 0) return undefined;
    const names = [];
    for (const specifier of node.specifiers) {
      if (specifier.type !== 'ImportSpecifier') return undefined;
      names.push(
        specifier.imported.type === 'Identifier' ? specifier.imported.name : specifier.imported.value,
      );
    }
    return names;
  }
  if (node.type === 'ExportNamedDeclaration') {
    return node.specifiers.map((s) => (s.local.type === 'Identifier' ? s.local.name : s.local.value));
  }
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
const importsRule = {
  meta: {
    type: 'problem',
    docs: { description: "Keeps the monorepo's libraries and apps within their import boundaries" },
    schema: [],
    messages: {
      libImportsApp: '{{from}} must not import {{to}}: libraries never import apps.',
      coreImportsOurs: 'libs/core must not import {{to}}: the core imports nothing of ours.',
      adapterImportsAdapter: '{{from}} must not import {{to}}: adapters never import one another.',
      adapterImportsStore:
        '{{from}} must not import {{what}} from libs/store: adapters use only the store ports ({{ports}}).',
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
    let portNames;

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
      if (from.kind === 'provider' && to.kind === 'provider' && !same) return report('adapterImportsAdapter');
      if (from.kind === 'provider' && to.kind === 'lib' && to.name === 'store' && !isSpec) {
        portNames ??= storePortNames();
        const names = target.barrel ? importedNames(node) : undefined;
        const outside = names === undefined ? undefined : names.filter((name) => !portNames.has(name));
        if (outside === undefined || outside.length > 0) {
          const what = outside?.length ? outside.join(', ') : source.value;
          return report('adapterImportsStore', { what, ports: `${STORE_PORTS}/*` });
        }
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
