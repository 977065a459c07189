import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The gateway's feature modules import one another's files in one direction only (contacts uses
 * operations, every feature uses accounts, never the way back), so each module can be read, and
 * wired, on top of the ones below it. A feature is a folder holding its own `<folder>.module.ts`.
 */
const SRC = __dirname;

/** Folder (first path segment under src) → the feature folders its non-spec files import. */
function featureImports(): Map<string, Set<string>> {
  const features = new Set(
    readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .filter((folder) => readdirSync(path.join(SRC, folder)).includes(`${folder}.module.ts`)),
  );
  const graph = new Map<string, Set<string>>([...features].map((feature) => [feature, new Set<string>()]));
  for (const file of readdirSync(SRC, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) continue;
    const from = file.split(path.sep)[0];
    if (!features.has(from)) continue;
    // TypeScript's own scan: static, type-only, re-export and dynamic imports alike.
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(SRC, file), 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = path.relative(SRC, path.resolve(path.dirname(path.join(SRC, file)), fileName));
      const to = target.split(path.sep)[0];
      if (to !== from && features.has(to)) graph.get(from)!.add(to);
    }
  }
  return graph;
}

/** A cycle as `a -> b -> a`, or undefined when the graph has none. */
function findCycle(graph: Map<string, Set<string>>): string | undefined {
  const done = new Set<string>();
  const visit = (node: string, trail: string[]): string | undefined => {
    const seen = trail.indexOf(node);
    if (seen >= 0) return [...trail.slice(seen), node].join(' -> ');
    if (done.has(node)) return undefined;
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next, [...trail, node]);
      if (cycle) return cycle;
    }
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node, []);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('feature module imports', () => {
  const graph = featureImports();

  it('finds the feature folders and what they import', () => {
    expect([...graph.keys()]).toEqual(expect.arrayContaining(['accounts', 'contacts', 'operations']));
    expect(graph.get('contacts')).toEqual(new Set(['accounts', 'operations']));
  });

  it('has no cycle: operations imports nothing of contacts, nor any feature the way back', () => {
    expect(graph.get('operations')?.has('contacts')).toBe(false);
    expect(findCycle(graph)).toBeUndefined();
  });

  it('names a cycle when there is one', () => {
    const cyclic = new Map([
      ['contacts', new Set(['accounts', 'operations'])],
      ['operations', new Set(['accounts', 'contacts'])],
      ['accounts', new Set<string>()],
    ]);
    expect(findCycle(cyclic)).toBe('contacts -> operations -> contacts');
  });
});
