import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { relaunchFlags, SATURATED_CHECK_FLAGS } from '../../src/cli/relaunch.js';

describe('relaunchFlags: a check whose workers fill every core runs with its own V8 flags', () => {
  it('relaunches a check exactly when its workers (one per core by default) are at least the cores', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.option(fc.integer({ min: 1, max: 256 }), { nil: undefined }),
        fc.boolean(),
        (cores, workers, inline) => {
          const option =
            workers === undefined ? [] : inline ? [`--workers=${workers}`] : ['--workers', String(workers)];
          const flags = relaunchFlags(['check', 'a.yaml', '--count', '10', ...option], cores, []);
          const saturated = (workers ?? cores) >= cores;
          expect(flags).toEqual(saturated ? SATURATED_CHECK_FLAGS : []);
        },
      ),
    );
  });

  it('never relaunches another command, a check node already runs with a GC thread flag, or a bad --workers', () => {
    expect(relaunchFlags(['run', 'a.yaml', '--workers', '8'], 2, [])).toEqual([]);
    expect(relaunchFlags(['list'], 1, [])).toEqual([]);
    expect(relaunchFlags(['check', 'a.yaml'], 2, ['--no-parallel-scavenge'])).toEqual([]);
    expect(relaunchFlags(['check', 'a.yaml'], 2, ['--single-threaded-gc'])).toEqual([]);
    // the check itself reports a bad --workers, with exit code 2
    expect(relaunchFlags(['check', 'a.yaml', '--workers', 'many'], 2, [])).toEqual([]);
    expect(relaunchFlags(['check', 'a.yaml', '--workers'], 2, [])).toEqual(SATURATED_CHECK_FLAGS);
  });
});
