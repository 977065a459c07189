import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** The parts of a V8 `.cpuprofile` (as `node --cpu-prof` writes it) this summary reads. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FrameTime {
  frame: string;
  area: string;
  ms: number;
  share: number;
}

export interface AreaTime {
  area: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  sampledMs: number;
  samples: number;
  /** Self time by function: where the CPU was when sampled. */
  topFrames: FrameTime[];
  /** Self time by module or area of the code. */
  selfByArea: AreaTime[];
  /** Time with a frame of the area anywhere on the stack (a sample counts once per area). */
  inclusiveByArea: AreaTime[];
}

const ROOT = `${process.cwd()}/`;

/** The module or area a frame belongs to: an npm package, a gateway folder, a library, node itself. */
export function areaOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName.startsWith('(')) return functionName; // (garbage collector), (program), (idle)
    return '(native)';
  }
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const parts = path.slice(modules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (path.startsWith('node:')) {
    const name = path.replace(/^node:(internal\/)?/, '');
    return `node:${name.split('/')[0].replace(/\.js$/, '')}`;
  }
  // The build keeps the sources' layout under dist/apps/gateway/.
  const local = (path.startsWith(ROOT) ? path.slice(ROOT.length) : relative(process.cwd(), path)).replace(
    /^dist\/apps\/gateway\//,
    '',
  );
  const gateway = /^apps\/gateway\/src\/([^/]+)/.exec(local);
  if (gateway) return `gateway/${gateway[1].replace(/\.ts$/, '')}`;
  const lib = /^libs\/(?:providers\/)?([^/]+)/.exec(local);
  if (lib) return `libs/${lib[1]}`;
  return local.split('/').slice(0, 2).join('/');
}

export function frameName(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const path = frame.url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  const short = modules !== -1 ? path.slice(modules + '/node_modules/'.length) : path.replace(ROOT, '');
  return `${name} ${short}:${frame.lineNumber + 1}`;
}

/**
 * Sums a profile's samples that fall in `[fromUs, toUs]` (the profile's own clock, microseconds):
 * self time per frame and per area, and inclusive time per area.
 */
export function summarizeProfile(
  file: string,
  window: (profile: CpuProfile) => [number, number],
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const [fromUs, toUs] = window(profile);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const selfFrame = new Map<string, { area: string; us: number }>();
  const selfArea = new Map<string, number>();
  const inclusiveArea = new Map<string, number>();
  const areasOnStack = new Map<number, Set<string>>();
  const stackAreas = (id: number): Set<string> => {
    let areas = areasOnStack.get(id);
    if (areas) return areas;
    areas = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (frame.functionName !== '(root)') areas.add(areaOf(frame.url, frame.functionName));
    }
    areasOnStack.set(id, areas);
    return areas;
  };

  let time = profile.startTime;
  let sampledUs = 0;
  let samples = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i];
    // A sample stands for the time until the next one.
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (time < fromUs || time > toUs) continue;
    const node = byId.get(profile.samples[i])!;
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    const name = frameName(node.callFrame);
    const entry = selfFrame.get(name) ?? { area, us: 0 };
    entry.us += us;
    selfFrame.set(name, entry);
    selfArea.set(area, (selfArea.get(area) ?? 0) + us);
    for (const onStack of stackAreas(node.id))
      inclusiveArea.set(onStack, (inclusiveArea.get(onStack) ?? 0) + us);
    sampledUs += us;
    samples++;
  }
  const share = (us: number) => us / sampledUs;
  const sorted = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, ms: us / 1000, share: share(us) }));
  return {
    sampledMs: sampledUs / 1000,
    samples,
    topFrames: [...selfFrame.entries()]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, 40)
      .map(([frame, { area, us }]) => ({ frame, area, ms: us / 1000, share: share(us) })),
    selfByArea: sorted(selfArea),
    inclusiveByArea: sorted(inclusiveArea),
  };
}
