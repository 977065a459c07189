import { readFile, writeFile } from 'node:fs/promises';

/** A process's memory as Linux reports it in /proc/<pid>/status. */
export interface MemoryReading {
  /** VmRSS: resident now. */
  rssBytes: number;
  /** VmHWM: the most ever resident ("high water mark"), since start or the last `resetPeak`. */
  hwmBytes: number;
}

export interface MemoryPeak {
  /** The higher of the two below: Linux keeps RSS counters per thread and folds them in late. */
  peakBytes: number;
  /** The highest VmRSS among the samples. */
  sampledPeakBytes: number;
  /** VmHWM at the end: the peak between samples too. */
  hwmBytes: number;
  samples: number;
}

export async function readMemory(pid: number): Promise<MemoryReading> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => {
    const kb = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1];
    if (kb === undefined) throw new Error(`/proc/${pid}/status has no ${name} (this benchmark needs Linux)`);
    return Number(kb) * 1024;
  };
  return { rssBytes: field('VmRSS'), hwmBytes: field('VmHWM') };
}

/** Sets VmHWM back to the current RSS (writing 5 to clear_refs, Linux 4.0+), so the next peak is a run's own. */
export async function resetPeak(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}

/** Reads VmRSS every `everyMs` until stopped; then the peak, sampled and by VmHWM. */
export function samplePeak(pid: number, everyMs: number) {
  let sampledPeakBytes = 0;
  let samples = 0;
  const timer = setInterval(() => {
    readMemory(pid).then(
      (reading) => {
        sampledPeakBytes = Math.max(sampledPeakBytes, reading.rssBytes);
        samples++;
      },
      () => undefined, // a missed sample; VmHWM still catches the peak
    );
  }, everyMs);

  return {
    stop: async (): Promise<MemoryPeak> => {
      clearInterval(timer);
      const last = await readMemory(pid);
      sampledPeakBytes = Math.max(sampledPeakBytes, last.rssBytes);
      return {
        peakBytes: Math.max(sampledPeakBytes, last.hwmBytes),
        sampledPeakBytes,
        hwmBytes: last.hwmBytes,
        samples: samples + 1,
      };
    },
  };
}
