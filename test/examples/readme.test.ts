import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// README.md's "Property tests on top of kafka-sim" shows property-test.test.ts as a user writes
// it (importing 'kafka-sim'): the two stay the same file.
describe('README property test example', () => {
  it('is property-test.test.ts, word for word', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /## Property tests on top of kafka-sim[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const file = readFileSync(new URL('./property-test.test.ts', import.meta.url), 'utf8');
    expect(block).toBe(file.replace("'../../src/index.js'", "'kafka-sim'"));
  });
});
