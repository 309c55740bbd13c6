import type { ScenarioRun } from '../scenario/run.js';
import { replaySeed } from './check-summary.js';
import { CLIENT_SCRIPT } from './html-script.js';
import { REPORT_CSS } from './html-style.js';
import { MESSAGE_FAMILIES } from './messages.js';
import {
  buildReportModel,
  type ModelOptions,
  type ReportModel,
  type StepKind,
  type VerdictView,
} from './model.js';
import { storyTime } from './story.js';
import {
  FAMILY_COLOUR,
  FAMILY_LABEL,
  LEFT,
  partitionLanesSvg,
  RIGHT,
  SVG_WIDTH,
  spaceTimeSvg,
  timeLabel,
} from './svg.js';
import { escapeXml } from './xml.js';

/** The step kinds, in the order the page's data numbers them. */
export const STEP_KINDS: readonly StepKind[] = [
  'message',
  'drop',
  'disconnect',
  'fault',
  'recovery',
  'action',
  'note',
  'replica',
  'broker',
  'group',
  'member',
  'op',
  'assert',
  'end',
];

/**
 * JSON for a `<script type="application/json">`: every `<` written as `\u003c`, so that no
 * `</script>` or `<!--` in a message or a name can end the element early.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The page's data: the steps as arrays, to keep a long run's file small. */
function pageData(model: ReportModel): unknown {
  const kind = new Map(STEP_KINDS.map((k, i) => [k, i]));
  const family = new Map(MESSAGE_FAMILIES.map((f, i) => [f, i]));
  const evidence: Record<number, string[]> = {};
  for (const c of model.checks)
    for (const v of c.violations)
      for (const e of v.evidence) {
        const list = evidence[e.step] ?? [];
        list.push(`${c.name}: ${v.message}`);
        evidence[e.step] = list;
      }
  return {
    scenario: model.scenario,
    duration: model.duration,
    processes: model.processes,
    kinds: STEP_KINDS,
    families: MESSAGE_FAMILIES,
    colours: MESSAGE_FAMILIES.map((f) => FAMILY_COLOUR[f]),
    geometry: { width: SVG_WIDTH, left: LEFT, right: RIGHT },
    initial: model.initial,
    layout: model.layout,
    evidence,
    // [time µs, kind, process, peer, text, family or -1, notable 0/1, [cell, value, ...], detail?]
    steps: model.steps.map((s) => {
      const row: unknown[] = [
        s.time,
        kind.get(s.kind) ?? 0,
        s.process,
        s.peer,
        s.text,
        s.family === undefined ? -1 : (family.get(s.family) ?? -1),
        s.notable ? 1 : 0,
        s.changes.flat(),
      ];
      if (s.detail !== undefined) row.push(s.detail);
      return row;
    }),
  };
}

/** Violations listed per checker in the HTML; report.json has them all. */
const MAX_VIOLATIONS = 50;

const jump = (step: number, label: string) =>
  `<a class="jump" href="#step-${step}" data-step="${step}">${escapeXml(label)}</a>`;

function verdictSection(model: ReportModel): string {
  const cards = model.checks.map((c) => {
    const found = c.status === 'holds' ? 'holds' : `violated ×${c.violations.length}`;
    const first = c.violations[0]?.evidence[0];
    const expected = c.expected === undefined ? 'no expectation' : `expected: ${c.expected}`;
    return `<div class="check ${c.met ? 'met' : 'unmet'} ${c.status}"><div class="check-name">${escapeXml(c.name)}</div><div class="check-found">${found} ${c.met ? '<span class="ok">✓</span>' : '<span class="bad">✗</span>'}</div><div class="check-expected">${expected}${first === undefined ? '' : ` · ${jump(first.step, 'show')}`}</div></div>`;
  });
  const assertions = model.assertions.map(
    (a) =>
      `<li class="${a.passed ? 'met' : 'unmet'}">${a.passed ? '<span class="ok">✓</span>' : '<span class="bad">✗</span>'} ${a.line === undefined ? 'at the end' : `line ${a.line}`}: ${escapeXml(a.text)} · ${jump(a.step, 'show')}</li>`,
  );
  const violations = model.checks
    .filter((c) => c.violations.length > 0)
    .map((c) => {
      const item = (v: VerdictView['violations'][number]) =>
        `<li><span class="time">${storyTime(v.time)}</span> ${escapeXml(v.message)}<div class="evidence">proved by: ${v.evidence.map((e) => jump(e.step, e.label)).join(' ')}</div></li>`;
      const [first, ...rest] = c.violations;
      const shown = rest.slice(0, MAX_VIOLATIONS - 1).map(item);
      const more =
        rest.length > MAX_VIOLATIONS - 1
          ? `<li class="muted">and ${rest.length - MAX_VIOLATIONS + 1} more in report.json</li>`
          : '';
      const title = `${escapeXml(c.name)}: ${c.violations.length} violation${c.violations.length === 1 ? '' : 's'}${c.expected === 'violated' ? ', as expected (a known weakness of this configuration)' : ', not expected'}`;
      return `<div class="violation-group${c.met ? '' : ' unmet-title'}"><h3>${title}</h3><ol class="violations">${first === undefined ? '' : item(first)}</ol>${
        shown.length === 0
          ? ''
          : `<details><summary>the other ${rest.length}</summary><ol class="violations" start="2">${shown.join('')}${more}</ol></details>`
      }</div>`;
    });
  return `<section id="verdicts"><h2>Verdicts</h2>
<p class="hint">Each checker reads only what the clients and replicas observed; a violation names the events that prove it (click one to step there).</p>
<div class="checks">${cards.join('')}</div>
${assertions.length === 0 ? '' : `<h3>Assertions</h3><ul class="assertions">${assertions.join('')}</ul>`}
${violations.join('\n')}</section>`;
}

function legend(): string {
  const families = MESSAGE_FAMILIES.filter((f) => f !== 'other')
    .map((f) => `<span class="key"><i style="background:${FAMILY_COLOUR[f]}"></i>${FAMILY_LABEL[f]}</span>`)
    .join('');
  return `<div class="legend">${families}
<span class="key"><i class="swatch crashed"></i>crashed</span><span class="key"><i class="swatch paused"></i>paused</span><span class="key"><i class="swatch isolated"></i>cut off</span><span class="key"><i class="swatch network"></i>network split</span>
<span class="key"><b class="sym" style="color:#c0392b">✕</b>fault</span><span class="key"><b class="sym" style="color:#1e8449">▲</b>recovery</span><span class="key"><b class="sym">◆</b>leader or ISR change</span><span class="key"><b class="sym" style="color:#c0392b">▼</b>truncation</span><span class="key"><b class="sym" style="color:#b9770e">●</b>controller elected</span><span class="key"><b class="sym" style="color:#c0392b">◉</b>evidence of a violation</span></div>`;
}

function storySection(model: ReportModel): string {
  const lines = model.story.map(
    (l) =>
      `<li class="tone-${l.tone}"><a class="jump" href="#step-${l.step}" data-step="${l.step}"><span class="time">${storyTime(l.time)}</span> ${escapeXml(l.text)}</a></li>`,
  );
  return `<section id="story"><h2>The story</h2><p class="hint">What happened, in Kafka's words. Click a line to step there.</p><ol class="story">${lines.join('')}</ol></section>`;
}

/**
 * The HTML report: one self-contained file (inline CSS, SVG, script and data; nothing loaded from
 * the network). Needs the run's messages in its trace (level `messages`) for the diagram's traffic.
 */
export function reportHtml(run: ScenarioRun, options: ModelOptions = {}): string {
  const model = buildReportModel(run, options);
  return renderHtml(run, model);
}

export function renderHtml(run: ScenarioRun, model: ReportModel): string {
  const evidence = new Set<number>();
  for (const c of model.checks)
    for (const v of c.violations) for (const e of v.evidence) evidence.add(e.step);
  const verdict = model.verdict === 'pass' ? 'PASS' : 'FAIL';
  const shown =
    model.messages.shown === model.messages.delivered
      ? `${model.messages.delivered} messages`
      : `${model.messages.delivered} messages (${model.messages.shown} of them as steps; the routine rest thinned out)`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeXml(`${model.scenario} (seed ${model.seed}): ${verdict}`)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${escapeXml(model.scenario)} <span class="verdict verdict-${model.verdict}">${verdict}</span></h1>
<p class="description">${escapeXml(model.description)}</p>
<p class="meta">seed ${model.seed} · trace ${escapeXml(model.traceHash)} · ${model.events} events · ${timeLabel(model.duration)} simulated · ${shown} · replay: <code>${escapeXml(replaySeed(run.scenario.file, model.seed))}</code></p>
</header>
<nav id="stepbar" aria-label="step through the run">
<div class="controls">
<button type="button" id="first" title="first step (Home)">|◀</button>
<button type="button" id="prev-change" title="previous change: fault, action, election, ISR change, failure (Shift+←)">◀◀</button>
<button type="button" id="prev" title="previous event (←)">◀ prev</button>
<button type="button" id="next" title="next event (→)">next ▶</button>
<button type="button" id="next-change" title="next change: fault, action, election, ISR change, failure (Shift+→)">▶▶</button>
<button type="button" id="last" title="last step (End)">▶|</button>
<input type="range" id="slider" min="0" max="${model.steps.length - 1}" value="0" aria-label="step">
<span id="position"></span>
</div>
<div id="current" aria-live="polite"></div>
</nav>
<main>
<div class="top">
${verdictSection(model)}
${storySection(model)}
</div>
<section id="diagram"><h2>Space-time diagram</h2>
<p class="hint">Time runs left to right; each process has a lane. A vertical stroke links two lanes that exchanged messages in that slice of time (coloured by what they are about); hatched bands are faults. Click a marker or anywhere on the time axis to step there; the red line is the current step.</p>
${spaceTimeSvg(model, evidence)}
${legend()}
</section>
<section id="partitions"><h2>Partitions: leader, ISR, HW and LEO per replica</h2>
<p class="hint">One row per replica. Top strip: <span class="chip role-leader">leader</span> <span class="chip role-follower">follower</span>; bottom strip: <span class="chip isr-in">in the ISR</span> <span class="chip isr-out">out of the ISR</span>; hatched: <span class="chip crashed">broker down</span>. Dark line: the log end offset (LEO); green area: the high watermark (HW), what consumers may read. A leader's LEO and HW come from its own facts; a follower's LEO from its Fetch requests (as Kafka's leader learns it) and its HW from the leader's Fetch responses.</p>
${partitionLanesSvg(model)}
</section>
<section id="stepper"><h2>Step through the run</h2>
<p class="hint">One row per event, the current one highlighted; arrows are messages, drawn at delivery. Below: the cluster's state after the current event (changed values highlighted). Keys: ← → one event, Shift+← → to the next change, Home, End.</p>
<div id="detail"></div>
<div id="sequence"></div>
<div id="state"></div>
</section>
</main>
<script type="application/json" id="report-data">${scriptJson(pageData(model))}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
