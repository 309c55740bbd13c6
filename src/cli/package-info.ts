import { readFileSync } from 'node:fs';

/**
 * kafka-sim's package.json and the folder it is in, found by walking up from this file (works
 * from src/ and dist/).
 */
export function packageInfo(): { name: string; version: string; root: URL } {
  let dir = new URL('.', import.meta.url);
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'kafka-sim' && typeof pkg.version === 'string')
        return { name: pkg.name, version: pkg.version, root: dir };
    } catch {
      // not here: look one folder up
    }
    dir = new URL('..', dir);
  }
  return { name: 'kafka-sim', version: 'unknown', root: new URL('../../', import.meta.url) };
}
