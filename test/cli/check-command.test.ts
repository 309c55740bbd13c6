/**
 * `kafka-sim check` end to end, through the installed bin (the workers load from dist/, which
 * `npm test` builds first). The fixture fails `duplicate` and `reorder` on some seeds only.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAMES } from '../../src/checks/types.js';
import { type CheckSummary, withoutTiming } from '../../src/report/check-summary.js';
import { testcases, xmlProblems } from './check-xml.js';

const bin = new URL('../../bin/kafka-sim.js', import.meta.url).pathname;
const fixture = new URL('../fixtures/check-flaky.yaml', import.meta.url).pathname;
const passing = new URL('../../scenarios/follower-crash.yaml', import.meta.url).pathname;
/** A `faults:` fixture: random faults per seed, lost-write expected to hold, failing on some seeds. */
const faulty = new URL('../fixtures/check-faults.yaml', import.meta.url).pathname;
const COUNT = 6;

interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `kafka-sim <command> ...args` in `cwd`; `interruptAfterMs` sends it SIGINT that much later. */
function kafkaSim(
  command: string,
  args: readonly string[],
  cwd = mkdtempSync(join(tmpdir(), 'kafka-sim-check-')),
  interruptAfterMs?: number,
): Promise<Result> {
  const child = spawn(process.execPath, [bin, command, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  if (interruptAfterMs !== undefined) setTimeout(() => child.kill('SIGINT'), interruptAfterMs);
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

const check = (args: readonly string[], interruptAfterMs?: number) =>
  kafkaSim('check', args, undefined, interruptAfterMs);
const json = (r: Result): CheckSummary => JSON.parse(r.stdout) as CheckSummary;
const tmpFile = (name: string) => join(mkdtempSync(join(tmpdir(), 'kafka-sim-junit-')), name);

describe('kafka-sim check', () => {
  let whole: Result;
  let junit: string;
  beforeAll(async () => {
    junit = tmpFile(join('made-by-check', 'junit.xml')); // a missing folder is made
    whole = await check([fixture, '--count', String(COUNT), '--workers', '1', '--json', '--junit', junit]);
  });

  it('sums up the fixture: some seeds fail, some pass, exit 1', () => {
    expect(whole.stderr).toBe('');
    expect(whole.status).toBe(1);
    const [s] = json(whole).scenarios;
    expect(s?.seeds).toEqual({ first: 1, last: COUNT, count: COUNT, run: COUNT });
    expect(s?.failingSeeds).toBeGreaterThan(0);
    expect(s?.failingSeeds).toBeLessThan(COUNT);
    expect(json(whole).verdict).toBe('fail');
  });

  it('gives the same results with 1 and 2 workers', async () => {
    const two = await check([fixture, '--count', String(COUNT), '--workers', '2', '--json']);
    expect(two.status).toBe(whole.status);
    expect(withoutTiming(json(two))).toEqual(withoutTiming(json(whole)));
  });

  it('splits the sweep into shards whose union is the whole sweep', async () => {
    const shards = await Promise.all(
      [1, 2, 3].map((i) =>
        check([fixture, '--count', String(COUNT), '--workers', '1', '--json', '--shard', `${i}/3`]),
      ),
    );
    const all = json(whole).scenarios[0];
    const union: Record<string, number[]> = {};
    let run = 0;
    for (const shard of shards) {
      const s = json(shard).scenarios[0];
      run += s?.seeds.run ?? 0;
      for (const [check, seeds] of Object.entries(s?.failing ?? {}))
        union[check] = [...(union[check] ?? []), ...seeds];
    }
    for (const seeds of Object.values(union)) seeds.sort((a, b) => a - b);
    expect(run).toBe(COUNT);
    expect(union).toEqual(all?.failing);
    expect(shards.map((s) => s.status)).toContain(1);
  });

  it('writes well-formed JUnit: a testcase per checker, failures where seeds failed', () => {
    const xml = readFileSync(junit, 'utf8');
    expect(xmlProblems(xml)).toEqual([]);
    const cases = testcases(xml);
    expect(cases.map((c) => c.name)).toEqual([...CHECK_NAMES, 'assertions']);
    expect(new Set(cases.map((c) => c.classname))).toEqual(new Set(['flaky-retries']));
    const failing = json(whole).scenarios[0]?.failing ?? {};
    expect(cases.filter((c) => c.failure !== undefined).map((c) => c.name)).toEqual(Object.keys(failing));
    for (const c of cases.filter((x) => x.failure !== undefined))
      expect(c.failure).toContain(`first: seed ${failing[c.name]?.[0]}`);
    expect(xml).toContain(`replay: kafka-sim run ${fixture} --seed`);
  });

  it('stops at the first failing seed with --fail-fast, the same with 2 workers as with 1', async () => {
    const first = Math.min(...Object.values(json(whole).scenarios[0]?.failing ?? {}).flat());
    const fast = await check([fixture, '--count', String(COUNT), '--workers', '2', '--json', '--fail-fast']);
    expect(fast.status).toBe(1);
    const summary = json(fast);
    expect(summary.stoppedAtFirstFailure).toBe(true);
    expect(summary.scenarios[0]?.seeds.run).toBe(first);
    for (const seeds of Object.values(summary.scenarios[0]?.failing ?? {})) expect(seeds).toEqual([first]);
  });

  it('prints the summary per checker with the replay command, and exits 0 when everything held', async () => {
    const [failed, held] = await Promise.all([
      check([fixture, '--count', '3', '--no-shrink']),
      check([passing, '--seeds', '5..6']),
    ]);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(/^ {2}lost-write +held on 3 seeds$/m);
    expect(failed.stdout).toMatch(/^ {2}duplicate +FAILED on \d seeds?: [\d, ]+$/m);
    expect(failed.stdout).toContain(`replay: kafka-sim run ${fixture} --seed `);
    expect(failed.stdout).toMatch(/^FAIL: \d of 3 seeds failed an expectation$/m);
    expect(held.status).toBe(0);
    expect(held.stdout).toMatch(/^follower-crash \(.*\), seeds 5\.\.6: 2 of 2 run, 0 failing/m);
    expect(held.stdout).toMatch(/^PASS: every expectation held on 2 seeds$/m);
  });

  it('starts no new seed once --time-budget is spent, and says so', async () => {
    const [text, data] = await Promise.all([
      check([passing, '--count', '100000', '--time-budget', '1ms']),
      check([passing, '--count', '100000', '--time-budget', '1ms', '--json']),
    ]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^time budget 1ms spent: \d+ of 100000 seeds ran$/m);
    const summary = json(data);
    expect(summary.stoppedByBudget).toBe(true);
    expect(summary.scenarios[0]?.seeds.run).toBeLessThan(100);
  });

  it('exits 2 with a message and no stack trace on bad input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-sim-bad-'));
    const typo = join(dir, 'typo.yaml');
    writeFileSync(
      typo,
      'name: t\ndescription: x\nduration: 10s\ntimeline:\n  - at: 1s\n    crahs: broker-1\n',
    );
    const cases: [string[], string][] = [
      [[fixture, '--seeds', '9..3'], 'the first seed is after the last'],
      [[fixture, '--shard', '4/3'], 'i must be between 1 and 3'],
      [[fixture, '--count', '0'], '--count must be a positive integer'],
      [[fixture, '--workers', 'many'], '--workers must be an integer'],
      [[fixture, '--time-budget', 'soon'], '--time-budget must be a duration'],
      [[join(dir, 'missing.yaml')], 'cannot read'],
      [[join(dir, 'missing.yaml')], 'ENOENT (no such file or folder)'],
      [[typo], `${typo}:6:5: unknown key 'crahs'`],
      // A folder that cannot be made (a file is in the way); a missing one is made.
      [[fixture, '--junit', join(typo, 'j.xml')], 'EEXIST (a file of that name is in the way)'],
      // The report's own name is a folder: refused now, not after the sweep.
      [[fixture, '--junit', dir], 'cannot write the JUnit report'],
      [[fixture, '--junit', dir], 'it is a folder'],
    ];
    const results = await Promise.all(cases.map(([args]) => check(args)));
    results.forEach((r, i) => {
      const [args, message] = cases[i] as [string[], string];
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    });
  });

  it('on SIGINT stops, and still prints the summary and writes JUnit for the seeds that finished', async () => {
    const file = tmpFile('interrupted.xml');
    // Long enough for the command to be under way on a busy host (its handler is installed by then).
    const [r, failing] = await Promise.all([
      check([passing, '--count', '100000', '--json', '--junit', file], 3000),
      // From seed 2, which fails: the failure is in before the interrupt, even on a host busy with
      // the rest of the suite (a worker's start and its first seed took over 3 s there once).
      check([fixture, '--seeds', '2..100001', '--json', '--workers', '1'], 8000),
    ]);
    expect(r.status).toBe(130);
    const summary = json(r);
    expect(summary.interrupted).toBe(true);
    expect(summary.verdict).toBe('pass');
    expect(summary.scenarios[0]?.seeds.run).toBeLessThan(100_000);
    expect(existsSync(file)).toBe(true);
    const xml = readFileSync(file, 'utf8');
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml).toContain('<property name="interrupted" value="true"/>');
    // Interrupted after a failure: exit 1, not 130.
    const other = json(failing);
    expect(other.interrupted).toBe(true);
    expect(other.verdict).toBe('fail');
    expect(failing.status).toBe(1);
  });

  it('shrinks the smallest failing seed in a worker and writes a counterexample that replays it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'kafka-sim-shrink-'));
    const r = await kafkaSim('check', [faulty, '--count', '12', '--workers', '2', '--json'], cwd);
    expect(r.status).toBe(1);
    const [s] = json(r).scenarios;
    const failing = s?.failing['lost-write'];
    expect(failing, 'the fixture no longer fails lost-write on seeds 1..12').toBeDefined();
    const seed = failing?.[0] as number;
    const path = join('reports', s?.scenario as string, `counterexample-${seed}.yaml`);
    expect(s?.counterexamples).toEqual([
      {
        check: 'lost-write',
        seed,
        path,
        faults: expect.any(Number),
        replay: `kafka-sim run ${path}`,
        traceHash: expect.stringMatching(/^[0-9a-f]{16}$/),
      },
    ]);
    expect(existsSync(join(cwd, path))).toBe(true);
    const replay = await kafkaSim('run', [path, '--no-report', '--json'], cwd);
    expect(replay.status).toBe(1);
    const run = JSON.parse(replay.stdout) as {
      seed: number;
      traceHash: string;
      checks: { name: string; status: string }[];
    };
    expect(run.seed).toBe(seed);
    // Exactly the run the shrinker made: the trace hash the summary gave.
    expect(run.traceHash).toBe(s?.counterexamples[0]?.traceHash);
    expect(run.checks.find((c) => c.name === 'lost-write')?.status).toBe('violated');
    const skipped = await kafkaSim(
      'check',
      [faulty, '--seeds', `${seed}..${seed}`, '--json', '--no-shrink'],
      cwd,
    );
    expect(json(skipped).scenarios[0]?.failing['lost-write']).toEqual([seed]);
    expect(json(skipped).scenarios[0]?.counterexamples).toEqual([]);
  });
});
