import { readFileSync } from 'node:fs';

/** The parts of a `.heapsnapshot` this summary reads. */
interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] }; node_count: number };
  nodes: number[];
  strings: string[];
}

export interface HeapGroup {
  group: string;
  count: number;
  bytes: number;
}

export interface HeapSummary {
  totalBytes: number;
  nodes: number;
  /** Self size by kind and constructor (objects), or by kind (strings, code, arrays...). */
  top: HeapGroup[];
}

/**
 * Self sizes in a heap snapshot, grouped: objects and closures by constructor name, everything else by
 * its kind. The snapshot is taken after a full GC, so this is what stays alive.
 */
export function summarizeHeap(file: string, topN = 25): HeapSummary {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const groups = new Map<string, HeapGroup>();
  let totalBytes = 0;
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i + typeAt]];
    const size = heap.nodes[i + sizeAt];
    totalBytes += size;
    const name = heap.strings[heap.nodes[i + nameAt]];
    const group =
      type === 'object' || type === 'closure' || type === 'native'
        ? `${type} ${name.length > 60 ? `${name.slice(0, 60)}...` : name}`
        : type;
    const entry = groups.get(group) ?? { group, count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += size;
    groups.set(group, entry);
  }
  return {
    totalBytes,
    nodes: heap.nodes.length / width,
    top: [...groups.values()].sort((a, b) => b.bytes - a.bytes).slice(0, topN),
  };
}
