// Preloaded into the gateway by bench:overhead:profile (`node -r`): V8's sampling heap profiler over
// a window the benchmark opens and closes with SIGWINCH, counting the objects the GC has already
// collected too (what a request allocates and drops is what costs GC time; `--heap-prof` keeps only
// what is still alive at exit). The profile is written to ALLOCATION_PROFILE_FILE when the window closes.
// ALLOCATION_SAMPLES=promoted leaves out what died young (in a scavenge): what is left is what lived
// long enough to be promoted to old space, the garbage that full collections and peak RSS are made of.
'use strict';
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');

const session = new Session();
session.connect();
let sampling = false;
process.on('SIGWINCH', () => {
  if (!sampling) {
    sampling = true;
    session.post('HeapProfiler.enable', () =>
      session.post('HeapProfiler.startSampling', {
        samplingInterval: 8192,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: process.env.ALLOCATION_SAMPLES !== 'promoted',
      }),
    );
    return;
  }
  sampling = false;
  session.post('HeapProfiler.stopSampling', (error, result) => {
    if (!error) writeFileSync(process.env.ALLOCATION_PROFILE_FILE, JSON.stringify(result.profile));
  });
});
