import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

const bin = new URL('../bin/kafka-sim.js', import.meta.url).pathname;
const pkg = (await import('../package.json', { with: { type: 'json' } })).default as { version: string };

describe('kafka-sim command', () => {
  it('answers --help and --version from the installed bin', () => {
    const help = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(help).toContain('Usage: kafka-sim');
    expect(help).toContain('deterministic');
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).trim()).toBe(pkg.version);
  });

  it('exits 2 on bad input, without a stack trace', () => {
    const result = spawnSync(process.execPath, [bin, '--no-such-flag'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown option '--no-such-flag'");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('returns exit codes from main()', async () => {
    const out: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => out.push(chunk) > 0) as typeof process.stdout.write;
    try {
      expect(await main(['--version'])).toBe(0);
      expect(await main([])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(out.join('')).toContain(pkg.version);
  });
});
