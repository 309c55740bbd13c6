import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withSchemaFrom } from '../../src/cli/check-shrink.js';

describe('a written counterexample', () => {
  it("points its editor schema comment at the package's schema from where it is written", () => {
    const path = join('/tmp', 'somewhere', 'reports', 'acks-1', 'counterexample-3.yaml');
    const yaml = '# counterexample\n\n# yaml-language-server: $schema=../schema.json\nname: acks-1\n';
    const written = withSchemaFrom(path, yaml);
    const schema = /\$schema=(.*)$/m.exec(written)?.[1] as string;
    expect(existsSync(resolve(dirname(path), schema))).toBe(true);
    expect(written.replace(/\$schema=.*$/m, '')).toBe(yaml.replace(/\$schema=.*$/m, ''));
  });
});
