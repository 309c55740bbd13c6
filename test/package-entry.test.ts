import { describe, expect, it } from 'vitest';

describe('the package entry', () => {
  // Regression: package.json pointed at dist/index.js while the build writes dist/src/index.js,
  // so `import 'kafka-sim'` failed for every user of the library.
  it('resolves `kafka-sim` to the built public API', async () => {
    const api = (await import('kafka-sim')) as Record<string, unknown>;
    for (const name of [
      'World',
      'Cluster',
      'murmur2',
      'assignPartitions',
      'coordinatorPartition',
      'partitionForKey',
      'compileScenario',
      'runScenario',
      'faultScheduleArb',
      'checkSchedule',
      'shrinkFailure',
    ])
      expect(typeof api[name]).toBe('function');
  });
});
