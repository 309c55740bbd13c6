import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCENARIO_SCHEMA } from '../../src/scenario/schema.js';

describe('scenarios/schema.json', () => {
  // Regenerate with: node -e "import('./dist/src/scenario/schema.js').then(m => process.stdout.write(JSON.stringify(m.SCENARIO_SCHEMA, null, 2) + '\n'))" > scenarios/schema.json
  it('is the schema the loader validates with', () => {
    const file = JSON.parse(
      readFileSync(new URL('../../scenarios/schema.json', import.meta.url), 'utf8'),
    ) as unknown;
    expect(file).toEqual(JSON.parse(JSON.stringify(SCENARIO_SCHEMA)));
  });
});
