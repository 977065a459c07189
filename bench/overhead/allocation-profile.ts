import { readFileSync } from 'node:fs';
import { areaOf, frameName } from './cpu-profile';

/** The parts of a V8 sampling heap profile (`HeapProfiler.stopSampling`) this summary reads. */
interface AllocationNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: AllocationNode[];
}

export interface AllocationShare {
  name: string;
  kbPerRequest: number;
  share: number;
}

export interface AllocationSummary {
  kbPerRequest: number;
  /** Bytes allocated by a frame of the area itself. */
  selfByArea: AllocationShare[];
  /** Bytes allocated with a frame of the area anywhere on the stack (counted once per area). */
  inclusiveByArea: AllocationShare[];
  topFrames: AllocationShare[];
}

/** What a profile's window allocated, per request, by area and by frame. */
export function summarizeAllocations(file: string, requests: number): AllocationSummary {
  const head = (JSON.parse(readFileSync(file, 'utf8')) as { head: AllocationNode }).head;
  const selfArea = new Map<string, number>();
  const inclusiveArea = new Map<string, number>();
  const selfFrame = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, bytes: number) =>
    map.set(key, (map.get(key) ?? 0) + bytes);
  let total = 0;
  // Iterative: a deep stack would overflow a recursive walk.
  const pending: { node: AllocationNode; above: ReadonlySet<string> }[] = [{ node: head, above: new Set() }];
  while (pending.length > 0) {
    const { node, above } = pending.pop()!;
    const frame = node.callFrame;
    const root = frame.functionName === '(root)';
    const area = areaOf(frame.url, frame.functionName);
    const onStack = root || above.has(area) ? above : new Set([...above, area]);
    if (node.selfSize > 0) {
      total += node.selfSize;
      add(selfArea, area, node.selfSize);
      add(selfFrame, frameName(frame), node.selfSize);
      for (const each of onStack) add(inclusiveArea, each, node.selfSize);
    }
    for (const child of node.children) pending.push({ node: child, above: onStack });
  }
  const shares = (map: Map<string, number>, count: number): AllocationShare[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, bytes]) => ({ name, kbPerRequest: bytes / 1024 / requests, share: bytes / total }));
  return {
    kbPerRequest: total / 1024 / requests,
    selfByArea: shares(selfArea, 25),
    inclusiveByArea: shares(inclusiveArea, 25),
    topFrames: shares(selfFrame, 25),
  };
}
