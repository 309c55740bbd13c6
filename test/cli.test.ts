import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

const bin = new URL('../bin/kafka-sim.js', import.meta.url).pathname;
const pkg = (await import('../package.json', { with: { type: 'json' } })).default as { version: string };

/** `kafka-sim run` with `args` in the folder `cwd` (where a report goes). */
const runIn = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [bin, 'run', ...args], {
    encoding: 'utf8',
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
  });
const freshDir = () => mkdtempSync(join(tmpdir(), 'kafka-sim-cwd-'));

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

describe('kafka-sim run', () => {
  /** Runs in a fresh folder, where the report goes. */
  const run = (...args: string[]) => runIn(freshDir(), ...args);

  it('runs the default teaching scenario, tells its story and passes', () => {
    const result = run();
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('t=10.000s broker 3 crashed');
    expect(result.stdout).toMatch(/t=\d+\.\d{3}s orders-0: leader 1 ISR \[1,2\] -> \[1,2,3\]/);
    expect(result.stdout).toMatch(/^PASS follower-crash seed 1: checks 12\/12 as expected, assertions 2\/2/m);
    expect(result.stdout).toMatch(/^lost-write {12}holds {5}holds$/m);
    expect(result.stdout).not.toContain('\u001b['); // no colour when not a TTY
  });

  it('prints one JSON object with --json, the same trace hash for the same seed', () => {
    const a = JSON.parse(run('--json', '--seed', '7').stdout) as Record<string, unknown>;
    const b = JSON.parse(run('--json', '--seed', '7').stdout) as Record<string, unknown>;
    expect(a.traceHash).toBe(b.traceHash);
    expect(a).toMatchObject({ scenario: 'follower-crash', seed: 7, verdict: 'pass' });
    expect((a.checks as { name: string; status: string }[]).map((c) => c.name)).toContain('lost-write');
    expect((a.stats as { events: number }).events).toBeGreaterThan(0);
  });

  it('exits 2 with file, line and column for a scenario with a typo, without a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-sim-'));
    const file = join(dir, 'typo.yaml');
    writeFileSync(
      file,
      'name: t\ndescription: x\nduration: 10s\ntimeline:\n  - at: 1s\n    crahs: broker-1\n',
    );
    const result = run(file);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${file}:6:5: unknown key 'crahs' in timeline[0]: did you mean 'crash'?`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(run(join(dir, 'missing.yaml')).status).toBe(2);
    expect(run('--seed', 'x').status).toBe(2);
  });
});

describe('kafka-sim run reports', () => {
  it('writes report.json, report.md and report.html to reports/<scenario>-<seed>/; --no-report writes nothing; the trace hash is the same', () => {
    const withReport = freshDir();
    const a = runIn(withReport, '--json', '--seed', '3');
    expect(a.status).toBe(0);
    const json = JSON.parse(a.stdout) as { traceHash: string; report?: string };
    expect(json.report).toBe(join('reports', 'follower-crash-3', 'report.html'));
    expect(readdirSync(join(withReport, 'reports', 'follower-crash-3')).sort()).toEqual([
      'report.html',
      'report.json',
      'report.md',
    ]);
    const saved = JSON.parse(
      readFileSync(join(withReport, 'reports', 'follower-crash-3', 'report.json'), 'utf8'),
    ) as {
      traceHash: string;
      history: unknown;
    };
    expect(saved.traceHash).toBe(json.traceHash);
    expect(saved.history).toBeDefined();

    const without = freshDir();
    const b = runIn(without, '--json', '--seed', '3', '--no-report');
    expect(b.status).toBe(0);
    const plain = JSON.parse(b.stdout) as { traceHash: string; report?: string };
    expect(plain.traceHash).toBe(json.traceHash); // keeping every message does not change the hash
    expect(plain.report).toBeUndefined();
    expect(readdirSync(without)).toEqual([]);
  }, 180_000);

  it('writes to --report-dir and says where', () => {
    const cwd = freshDir();
    const result = runIn(cwd, '--report-dir', 'out/runs');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`report: ${join('out', 'runs', 'follower-crash-1', 'report.html')}\n`);
    expect(existsSync(join(cwd, 'out', 'runs', 'follower-crash-1', 'report.md'))).toBe(true);
    expect(existsSync(join(cwd, 'reports'))).toBe(false);
  }, 120_000);

  it('exits 2 with a clear message when --report-dir cannot be written, without a stack trace', () => {
    const cwd = freshDir();
    writeFileSync(join(cwd, 'afile'), 'not a folder');
    const result = runIn(cwd, '--report-dir', 'afile/sub');
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `kafka-sim run: cannot write the report to ${join('afile', 'sub', 'follower-crash-1')}: ENOTDIR (a part of the path is a file, not a folder)\n`,
    );
    expect(result.stdout).toBe('');
  });
});

describe('kafka-sim list', () => {
  it('prints the library, one line per scenario', () => {
    const result = spawnSync(process.execPath, [bin, 'list'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n').filter((l) => /^[a-z0-9-]+ {2,}\S/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(13);
    expect(result.stdout).toMatch(
      /^follower-crash +A follower crashes while a producer writes with acks=all, and comes back\.$/m,
    );
    expect(result.stdout).toMatch(/^safe +The configuration that promises not to lose/m);
    expect(result.stdout).toMatch(/sweep one with: kafka-sim check scenarios\/sweeps\/<name>\.yaml/);
  });
});
