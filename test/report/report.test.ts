import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scriptJson } from '../../src/report/html.js';
import { buildReport, reportFolderName, reportJson } from '../../src/report/index.js';
import { summarizeMessage } from '../../src/report/messages.js';
import { buildReportModel, type CellValue, type ReportModel } from '../../src/report/model.js';
import { runSummary } from '../../src/report/summary.js';
import { stepPaths, xOf } from '../../src/report/svg.js';
import { compileScenario } from '../../src/scenario/compile.js';
import { runScenario } from '../../src/scenario/run.js';

const scenarioFile = (name: string) => {
  const url = new URL(`../../scenarios/${name}.yaml`, import.meta.url);
  return compileScenario(`scenarios/${name}.yaml`, readFileSync(url, 'utf8'));
};
const followerCrash = scenarioFile('follower-crash');
const run = runScenario(followerCrash, { trace: 'messages' });
const files = new Map(buildReport(run).map((f) => [f.name, f.text]));
const text = (name: string) => files.get(name) ?? '';

/** The state after the last step: every step's changes applied in order. */
const finalState = (model: ReportModel): CellValue[] => {
  const state = [...model.initial];
  for (const step of model.steps) for (const [cell, value] of step.changes) state[cell] = value;
  return state;
};

describe('report.json', () => {
  it('has everything the JSON output has, plus the timeline and the history', () => {
    const json = JSON.parse(text('report.json')) as Record<string, unknown>;
    expect(json).toMatchObject(JSON.parse(JSON.stringify(runSummary(run))) as Record<string, unknown>);
    expect(Object.keys(json).slice(0, 7)).toEqual([
      'scenario',
      'seed',
      'traceHash',
      'verdict',
      'checks',
      'assertions',
      'stats',
    ]);
    const history = json.history as {
      clients: { ops: unknown[]; memberFacts: unknown[] };
      cluster: { facts: unknown[]; brokerFacts: unknown[]; groupFacts: unknown[] };
    };
    expect(history.clients.ops.length).toBe(run.cluster.clients.ops.length);
    expect(history.clients.ops.length).toBeGreaterThan(1000);
    expect(history.cluster.facts.length).toBe(run.cluster.history.facts.length);
    expect(history.cluster.brokerFacts.length).toBe(run.cluster.history.brokerFacts.length);
    expect((json.timeline as unknown[]).length).toBe(run.timeline.length);
  });

  it('is the same byte for byte for the same seed (no wall-clock time in it)', () => {
    const again = runScenario(followerCrash, { trace: 'messages' });
    expect(reportJson(again)).toBe(text('report.json'));
    expect(buildReport(again).map((f) => f.text)).toEqual([...files.values()]);
    expect(text('report.json')).not.toContain('wallMs');
  });
});

describe('report.md', () => {
  it('has the story and the verdict table', () => {
    const md = text('report.md');
    expect(md).toMatch(/^# follower-crash: PASS$/m);
    expect(md).toContain('t=10.000s broker 3 crashed');
    expect(md).toMatch(/t=\d+\.\d{3}s orders-0: leader 1 ISR \[1,2\] -> \[1,2,3\]/);
    expect(md).toMatch(/^lost-write {12}holds {5}holds$/m);
    expect(md).toContain('`kafka-sim run scenarios/follower-crash.yaml --seed 1`');
  });

  it('lists each violation with the events that prove it', () => {
    const acks1 = runScenario(scenarioFile('leader-crash-acks1'));
    const md = buildReport(acks1).find((f) => f.name === 'report.md')?.text ?? '';
    expect(md).toMatch(/^### lost-write: \d+ violations \(expected\)$/m);
    expect(md).toMatch(/^ {2}- `t=\d+\.\d{3}s` p1 send ok \(op \d+\)$/m);
    expect(md).toMatch(/^ {2}- `t=\d+\.\d{3}s` final state of orders-0 on broker 2$/m);
  });
});

describe('report.html', () => {
  const html = text('report.html');

  it('is one self-contained file: nothing loaded from the network', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<link\b|<img\b|<iframe\b|\bsrc=|@import|url\((?!#)/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('<script type="application/json" id="report-data">');
    expect(html).toContain('<svg id="spacetime"');
    expect(html).toContain('<svg id="lanes"');
  });

  it('embeds its data so that no text can close the script element early', () => {
    const hostile = { text: '</script><script>alert(1)</script><!-- x' };
    const embedded = scriptJson(hostile);
    expect(embedded).not.toMatch(/<\/script|<!--/i);
    expect(JSON.parse(embedded)).toEqual(hostile);
    const start = html.indexOf('id="report-data">') + 'id="report-data">'.length;
    const data = JSON.parse(html.slice(start, html.indexOf('</script>', start))) as { steps: unknown[] };
    expect(data.steps.length).toBeGreaterThan(5000);
  });

  it('stays small: the default scenario, 90 s with every message, under 2 MB', () => {
    expect(Buffer.byteLength(html)).toBeLessThan(2_000_000);
  });
});

describe('the report model', () => {
  const model = buildReportModel(run);

  it('has a step for every message, fact, operation and fault, in time order', () => {
    const kinds = new Map<string, number>();
    for (const s of model.steps) kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
    const delivered = run.cluster.world.trace.filter((r) => r.kind === 'deliver').length;
    expect(kinds.get('message')).toBe(delivered);
    expect(model.messages).toEqual({ delivered, shown: delivered });
    expect(kinds.get('replica')).toBe(run.cluster.history.facts.length);
    expect(kinds.get('op')).toBe(run.cluster.clients.ops.length);
    expect(kinds.get('end')).toBe(1);
    for (let i = 1; i < model.steps.length; i++)
      expect((model.steps[i] as { time: number }).time).toBeGreaterThanOrEqual(
        (model.steps[i - 1] as { time: number }).time,
      );
  });

  it('follows the cluster: broker 3 down from 10 s to 50 s, ISR [1,2] between, every replica at 1000', () => {
    expect(model.faults).toEqual([
      {
        from: 10_000_000,
        to: 50_000_000,
        process: model.processes.indexOf('broker-3'),
        kind: 'crashed',
        label: 'crashed',
      },
    ]);
    const partition = model.layout.partitions.find((p) => p.name === 'orders-0');
    expect(partition?.replicas.map((r) => r.broker)).toEqual([1, 2, 3]);
    const stateAt = (time: number) => {
      const state = [...model.initial];
      for (const step of model.steps) {
        if (step.time > time) break;
        for (const [cell, value] of step.changes) state[cell] = value;
      }
      return state;
    };
    const middle = stateAt(45_000_000);
    const broker3 = model.layout.processes.find((p) => p.name === 'broker-3');
    expect(middle[broker3?.status ?? -1]).toBe('crashed');
    expect(middle[partition?.isr ?? -1]).toBe('1,2');
    const end = finalState(model);
    expect(end[partition?.isr ?? -1]).toBe('1,2,3');
    expect(end[partition?.leader ?? -1]).toBe(1);
    for (const r of partition?.replicas ?? []) {
      expect(end[r.leo], `LEO of broker ${r.broker}`).toBe(1000);
      expect(end[r.hw], `HW of broker ${r.broker}`).toBe(1000);
    }
    expect(end[model.layout.controller]).toBe(2);
  });

  it('links each assertion to its step', () => {
    expect(
      model.assertions.map((a) => [a.line, model.steps[a.step]?.kind, model.steps[a.step]?.time]),
    ).toEqual([
      [31, 'assert', 45_000_000],
      [undefined, 'end', 90_000_000],
    ]);
  });

  it('links each violation to the steps of the events that prove it', () => {
    const acks1 = runScenario(scenarioFile('leader-crash-acks1'), { trace: 'messages' });
    const m = buildReportModel(acks1);
    const lost = m.checks.find((c) => c.name === 'lost-write');
    const violation = acks1.checks.find((c) => c.result.name === 'lost-write')?.result.violations[0];
    expect(lost?.status).toBe('violated');
    const first = lost?.violations[0];
    expect(first?.evidence.length).toBe(violation?.events.length);
    violation?.events.forEach((event, i) => {
      const step = m.steps[first?.evidence[i]?.step ?? -1];
      expect(step?.time, event.kind).toBe(event.time);
      if (event.kind === 'op') {
        expect(step?.kind).toBe('op');
        expect(m.processes[step?.process ?? -1]).toBe(event.process);
      }
      if (event.kind === 'replica-fact') expect(step?.text).toMatch(/^truncated orders-0/);
      if (event.kind === 'final-state') expect(step?.kind).toBe('end');
      expect(step?.notable).toBe(true);
    });
  });

  it('thins routine messages out past its budget, keeping every other step and the same final state', () => {
    const thin = buildReportModel(run, { maxSteps: 5000 });
    expect(thin.steps.length).toBeLessThanOrEqual(5001);
    expect(thin.messages.delivered).toBe(model.messages.delivered);
    expect(thin.messages.shown).toBeLessThan(model.messages.shown);
    const others = (m: ReportModel) =>
      m.steps.filter((s) => s.kind !== 'message').map((s) => `${s.time} ${s.text}`);
    expect(others(thin)).toEqual(others(model));
    expect(finalState(thin)).toEqual(finalState(model));
    expect(thin.assertions.map((a) => thin.steps[a.step]?.kind)).toEqual(['assert', 'end']);
  });

  it('draws faults without messages when the trace kept none', () => {
    const faultsOnly = buildReportModel(runScenario(followerCrash, { trace: 'faults' }));
    expect(faultsOnly.messages).toEqual({ delivered: 0, shown: 0 });
    expect(faultsOnly.faults).toEqual(model.faults);
  });
});

describe('messages in a line', () => {
  it('says what a message carries in Kafka words', () => {
    expect(
      summarizeMessage({
        type: 'Fetch',
        replicaId: 2,
        partitions: [{ topic: 'orders', partition: 0, fetchOffset: 17, currentLeaderEpoch: 1 }],
      }),
    ).toBe('Fetch orders-0 from 17');
    expect(
      summarizeMessage({
        type: 'FetchResponse',
        partitions: [
          {
            topic: 'orders',
            partition: 0,
            highWatermark: 17,
            error: 'NONE',
            records: [{ baseOffset: 17, lastOffset: 18 }],
          },
        ],
      }),
    ).toBe('FetchResponse orders-0 [17..18] HW 17');
    expect(
      summarizeMessage({
        type: 'Produce',
        acks: -1,
        partitions: [{ topic: 't', partition: 1, records: [1, 2] }],
      }),
    ).toBe('Produce t-1: 2 records, acks=all');
    expect(
      summarizeMessage({ type: 'zk-request', request: { type: 'create', path: '/brokers/ids/1' } }),
    ).toBe('zk create /brokers/ids/1');
    expect(summarizeMessage({ type: 'SomethingNew', error: 'NOT_CONTROLLER' })).toBe(
      'SomethingNew NOT_CONTROLLER',
    );
    expect(summarizeMessage('tick')).toBe('tick');
  });

  it('names report folders safely', () => {
    expect(reportFolderName('follower-crash', 7)).toBe('follower-crash-7');
    expect(reportFolderName('../a b', 1)).toBe('.._a_b-1');
  });
});

describe('step lines', () => {
  it('draw each known stretch, one column per half pixel at most', () => {
    const y = (v: number) => 100 - v;
    expect(
      stepPaths(
        [
          [0, null],
          [10, 5],
          [20, null],
          [30, 7],
        ],
        100,
        y,
      ),
    ).toEqual([`M${xOf(10, 100)} 95H${xOf(20, 100)}`, `M${xOf(30, 100)} 93H${xOf(100, 100)}`]);
    // A thousand changes within a microsecond-wide sliver of a long run: one column, the last value.
    const dense: [number, number][] = [[0, 0]];
    for (let i = 1; i <= 1000; i++) dense.push([1_000_000 + i, i]);
    const [path] = stepPaths(dense, 90_000_000, y);
    expect(path).toBe(
      `M${xOf(0, 90_000_000)} 100H${Math.round(xOf(1_000_000, 90_000_000) * 2) / 2}V-900H${xOf(90_000_000, 90_000_000)}`,
    );
  });
});

describe('report model: network bands', () => {
  it('ends a partition side with its own rule, not with a rule whose text it ends with', () => {
    const scenario = compileScenario(
      'bands.yaml',
      `name: bands
description: d
duration: 20s
topics:
  - name: orders
    assignment: [[1, 2, 3]]
timeline:
  - { at: 5s, for: 5s, partition: [[broker-1], [broker-2, broker-3]] }
  - { at: 6s, for: 10s, partition: [[zookeeper-1], [broker-1], [broker-2, broker-3]] }
`,
    );
    const model = buildReportModel(runScenario(scenario, { trace: 'messages' }));
    const sides = model.faults.filter((f) => f.kind === 'isolated');
    // The first rule's side ends at 10 s; the second rule's sides stay until 16 s.
    expect(sides.map((f) => [model.processes[f.process], f.from / 1e6, f.to / 1e6])).toEqual([
      ['broker-1', 5, 10],
      ['zookeeper-1', 6, 16],
      ['broker-1', 6, 16],
    ]);
  });
});
