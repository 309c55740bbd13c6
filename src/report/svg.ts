import type { SimTime } from '../sim/time.js';
import type { MessageFamily } from './messages.js';
import type { CellValue, ReportModel, Step } from './model.js';
import { escapeXml } from './xml.js';

/**
 * The report's static drawings, as SVG text: the space-time overview (a lane per process, the
 * messages between them, the fault bands) and a lane per partition (each replica's role, ISR
 * membership, LEO and HW over time). Both share one time axis so that the step-through's cursor
 * lines up in each; the page's script moves the cursor and turns clicks into steps.
 */

export const SVG_WIDTH = 1200;
export const LEFT = 130;
export const RIGHT = 110;
const PLOT = SVG_WIDTH - LEFT - RIGHT;

export const FAMILY_COLOUR: Record<MessageFamily, string> = {
  replication: '#1f77b4',
  produce: '#2ca02c',
  consume: '#9467bd',
  control: '#d62728',
  zookeeper: '#8c8c8c',
  other: '#bcbd22',
};

export const FAMILY_LABEL: Record<MessageFamily, string> = {
  replication: 'replication (Fetch between brokers)',
  produce: 'producing',
  consume: 'consuming and groups',
  control: 'controller and metadata',
  zookeeper: 'ZooKeeper',
  other: 'other',
};

const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

/** A tick step for the axis: 1, 2 or 5 times a power of ten seconds, about ten ticks. */
function tickStep(duration: SimTime): SimTime {
  const target = duration / 10;
  let step = 1;
  while (step * 10 <= target) step *= 10;
  if (step * 5 <= target) return step * 5;
  if (step * 2 <= target) return step * 2;
  return Math.max(1, step);
}

export function timeLabel(time: SimTime): string {
  if (time % 1_000_000 === 0) return `${time / 1_000_000}s`;
  if (time % 1000 === 0) return `${time / 1000}ms`;
  return `${time}µs`;
}

/** The horizontal position of a time. */
export const xOf = (time: SimTime, duration: SimTime) =>
  LEFT + (Math.min(time, duration) / Math.max(1, duration)) * PLOT;

function axis(duration: SimTime, y: number, height: number): string {
  const step = tickStep(duration);
  const parts: string[] = [];
  for (let t = 0; t <= duration; t += step) {
    const x = fmt(xOf(t, duration));
    parts.push(
      `<line class="grid" x1="${x}" y1="${y}" x2="${x}" y2="${y + height}"/>`,
      `<text class="tick" x="${x}" y="${y - 4}" text-anchor="middle">${timeLabel(t)}</text>`,
    );
  }
  return parts.join('');
}

const PATTERNS = `<defs>
<pattern id="hatch-crashed" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fde2e1"/><line x1="0" y1="0" x2="0" y2="6" stroke="#e35d5b" stroke-width="2"/></pattern>
<pattern id="hatch-paused" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff3cd"/><line x1="0" y1="0" x2="0" y2="6" stroke="#e0a800" stroke-width="2"/></pattern>
<pattern id="hatch-down" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="7" height="7" fill="#ffffff" fill-opacity="0.45"/><line x1="0" y1="0" x2="0" y2="7" stroke="#e35d5b" stroke-width="2.2" stroke-opacity="0.75"/></pattern>
<pattern id="hatch-isolated" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="6" height="6" fill="#efe3fb"/><line x1="0" y1="0" x2="0" y2="6" stroke="#9b59d0" stroke-width="2"/></pattern>
</defs>`;

const BAND_FILL: Record<string, string> = {
  crashed: 'url(#hatch-crashed)',
  paused: 'url(#hatch-paused)',
  isolated: 'url(#hatch-isolated)',
  held: 'url(#hatch-isolated)',
};

/** A marker's shape and colour for a notable step, or undefined for none. */
function markerOf(step: Step): { shape: string; colour: string } | undefined {
  if (step.kind === 'fault') return { shape: 'cross', colour: '#c0392b' };
  if (step.kind === 'recovery') return { shape: 'up', colour: '#1e8449' };
  if (step.kind === 'replica' && /^(became leader|truncated|ISR)/.test(step.text))
    return {
      shape: step.text.startsWith('truncated') ? 'down' : 'diamond',
      colour: step.text.startsWith('truncated') ? '#c0392b' : '#2c3e50',
    };
  if (step.kind === 'broker' && step.text.startsWith('became the controller'))
    return { shape: 'star', colour: '#b9770e' };
  if (step.kind === 'op' && step.notable) return { shape: 'dot', colour: '#c0392b' };
  if (step.kind === 'group' || step.kind === 'member') return { shape: 'dot', colour: '#7d3c98' };
  return undefined;
}

function shape(kind: string, x: number, y: number, colour: string): string {
  const X = fmt(x);
  const Y = fmt(y);
  switch (kind) {
    case 'cross':
      return `<path d="M${fmt(x - 4)} ${fmt(y - 4)}L${fmt(x + 4)} ${fmt(y + 4)}M${fmt(x - 4)} ${fmt(y + 4)}L${fmt(x + 4)} ${fmt(y - 4)}" stroke="${colour}" stroke-width="2.5"/>`;
    case 'up':
      return `<path d="M${X} ${fmt(y - 5)}L${fmt(x + 5)} ${fmt(y + 4)}L${fmt(x - 5)} ${fmt(y + 4)}Z" fill="${colour}"/>`;
    case 'down':
      return `<path d="M${X} ${fmt(y + 5)}L${fmt(x + 5)} ${fmt(y - 4)}L${fmt(x - 5)} ${fmt(y - 4)}Z" fill="${colour}"/>`;
    case 'diamond':
      return `<path d="M${X} ${fmt(y - 5)}L${fmt(x + 5)} ${Y}L${X} ${fmt(y + 5)}L${fmt(x - 5)} ${Y}Z" fill="${colour}"/>`;
    case 'star':
      return `<circle cx="${X}" cy="${Y}" r="5" fill="${colour}"/><circle cx="${X}" cy="${Y}" r="2" fill="#fff"/>`;
    default:
      return `<circle cx="${X}" cy="${Y}" r="3.5" fill="${colour}"/>`;
  }
}

/** A timeline action in a few words, for its flag: `broker 3 crashed`, `describe orders`, `assert ✓`. */
function flagLabel(step: Step): string {
  if (step.kind === 'assert') return step.text.startsWith('as expected') ? 'assert ✓' : 'assert ✗';
  const label = step.text
    .replace(/^scenario (\(line \d+\))?: /, '')
    .replace(/^kafka-topics\.sh --describe --topic (\S+)$/, 'describe $1')
    .replace(/^kafka-topics\.sh --(\w+) --topic (\S+).*$/, '$1 topic $2')
    .replace(/^network: /, '');
  return label.length > 26 ? `${label.slice(0, 25)}…` : label;
}

const LANE = 34;
const FLAG_ROW = 15;
const FLAG_ROWS = 4;

interface Flag {
  readonly step: number;
  readonly x: number;
  readonly row: number;
  readonly label: string;
  readonly title: string;
}

/**
 * The scenario's timeline actions as flags above the lanes, each label in the first row where it
 * does not run into the one before it (at most four rows; beyond that, a bare flag with a tooltip).
 */
function placeFlags(model: ReportModel): Flag[] {
  const ends: number[] = [];
  const flags: Flag[] = [];
  model.steps.forEach((step, i) => {
    if (step.kind !== 'action' && step.kind !== 'assert') return;
    if (/^scenario: (await brokers|start )/.test(step.text)) return;
    const x = xOf(step.time, model.duration);
    const label = flagLabel(step);
    const width = label.length * 6.3 + 10;
    let row = ends.findIndex((end) => end < x);
    if (row < 0 && ends.length < FLAG_ROWS) row = ends.push(0) - 1;
    if (row >= 0) ends[row] = x + width;
    flags.push({
      step: i,
      x,
      row: row < 0 ? ends.length - 1 : row,
      label: row < 0 ? '' : label,
      title: `${timeLabel(step.time)} ${step.text}`,
    });
  });
  return flags;
}

/**
 * The space-time overview: time runs left to right, one lane per process. Each short vertical
 * stroke is the messages delivered between two processes in one slice of time (drawn at delivery;
 * its dot marks the receiver). Hatched bands: a process crashed, paused or cut off; a tinted band
 * over every lane: the network split. Markers: faults, recoveries, elections, truncations, failed
 * operations, each a step to click.
 */
export function spaceTimeSvg(model: ReportModel, evidence: ReadonlySet<number>): string {
  const { duration, processes } = model;
  const flags = placeFlags(model);
  const rows = Math.max(1, ...flags.map((f) => f.row + 1));
  const TOP = 26 + rows * FLAG_ROW + 12;
  const height = TOP + processes.length * LANE + 16;
  const laneY = (i: number) => TOP + i * LANE + LANE / 2;
  const parts: string[] = [
    `<svg id="spacetime" class="timeline" viewBox="0 0 ${SVG_WIDTH} ${height}" role="img" aria-label="space-time diagram of the processes and their messages">`,
    PATTERNS,
    `<rect class="plot" x="${LEFT}" y="${TOP - 6}" width="${PLOT}" height="${processes.length * LANE + 12}"/>`,
    axis(duration, TOP - 6, processes.length * LANE + 12),
  ];
  // Network-wide faults, behind everything.
  for (const band of model.faults.filter((b) => b.process < 0)) {
    const x1 = xOf(band.from, duration);
    const x2 = xOf(band.to, duration);
    parts.push(
      `<rect class="band-network" x="${fmt(x1)}" y="${TOP - 6}" width="${fmt(Math.max(2, x2 - x1))}" height="${processes.length * LANE + 12}"><title>${escapeXml(`${band.label}, ${timeLabel(band.from)} to ${timeLabel(band.to)}`)}</title></rect>`,
    );
  }
  processes.forEach((name, i) => {
    const y = laneY(i);
    parts.push(
      `<text class="lane-label" x="${LEFT - 10}" y="${y + 4}" text-anchor="end">${escapeXml(name)}</text>`,
      `<line class="lane" x1="${LEFT}" y1="${y}" x2="${LEFT + PLOT}" y2="${y}"/>`,
    );
  });
  for (const band of model.faults.filter((b) => b.process >= 0)) {
    const x1 = xOf(band.from, duration);
    const x2 = xOf(band.to, duration);
    const y = laneY(band.process);
    parts.push(
      `<rect x="${fmt(x1)}" y="${y - 11}" width="${fmt(Math.max(2, x2 - x1))}" height="22" fill="${BAND_FILL[band.kind] ?? '#eee'}" class="band"><title>${escapeXml(`${model.processes[band.process]} ${band.label}, ${timeLabel(band.from)} to ${timeLabel(band.to)}`)}</title></rect>`,
    );
    if (x2 - x1 > 60)
      parts.push(
        `<text class="band-label" x="${fmt((x1 + x2) / 2)}" y="${y + 4}" text-anchor="middle">${escapeXml(band.label)}</text>`,
      );
  }
  // Traffic: one stroke per time slice and pair, darker for more messages.
  const binWidth = PLOT / model.trafficBins;
  const strokes: string[] = [];
  for (const t of model.traffic) {
    if (t.from < 0 || t.to < 0) continue;
    const x = fmt(LEFT + (t.bin + 0.5) * binWidth);
    const y1 = laneY(t.from);
    const y2 = laneY(t.to);
    const opacity = Math.min(0.6, 0.12 + t.count / 25).toFixed(2);
    strokes.push(
      `<path d="M${x} ${fmt(y1)}V${fmt(y2)}" stroke="${FAMILY_COLOUR[t.family]}" stroke-opacity="${opacity}"/>`,
    );
  }
  parts.push(`<g class="traffic">${strokes.join('')}</g>`);
  // Markers for notable steps, each a link to its step.
  const marks: string[] = [];
  model.steps.forEach((step, i) => {
    if (step.process < 0 || !(step.notable || evidence.has(i))) return;
    const m = evidence.has(i) ? { shape: 'dot', colour: '#c0392b' } : markerOf(step);
    if (m === undefined) return;
    const x = xOf(step.time, duration);
    const y = laneY(step.process);
    const ring = evidence.has(i)
      ? `<circle cx="${fmt(x)}" cy="${fmt(y)}" r="7" fill="none" stroke="#c0392b" stroke-width="1.5"/>`
      : '';
    marks.push(
      `<g class="mark" data-step="${i}">${ring}${shape(m.shape, x, y, m.colour)}<title>${escapeXml(`${timeLabel(step.time)} ${model.processes[step.process]}: ${step.text}`)}</title></g>`,
    );
  });
  parts.push(`<g class="marks">${marks.join('')}</g>`);
  for (const f of flags) {
    const y = 14 + f.row * FLAG_ROW;
    parts.push(
      `<g class="flag mark" data-step="${f.step}"><line x1="${fmt(f.x)}" y1="${y + 3}" x2="${fmt(f.x)}" y2="${TOP - 6}" class="flagpole"/><circle cx="${fmt(f.x)}" cy="${y + 3}" r="2" class="flaghead"/><text x="${fmt(f.x + 4)}" y="${y}" class="flag-label">${escapeXml(f.label)}</text><title>${escapeXml(f.title)}</title></g>`,
    );
  }
  parts.push(
    `<line class="cursor" x1="${LEFT}" y1="${TOP - 8}" x2="${LEFT}" y2="${TOP + processes.length * LANE + 6}"/>`,
    '</svg>',
  );
  return parts.join('\n');
}

/** A cell's values over time: [time, value] at each change, starting with its initial value. */
export function cellSeries(
  model: ReportModel,
  cells: ReadonlySet<number>,
): Map<number, [SimTime, CellValue][]> {
  const series = new Map<number, [SimTime, CellValue][]>();
  for (const c of cells) series.set(c, [[0, model.initial[c] ?? null]]);
  for (const step of model.steps)
    for (const [c, v] of step.changes) {
      const s = series.get(c);
      if (s === undefined) continue;
      const last = s[s.length - 1] as [SimTime, CellValue];
      if (last[0] === step.time) last[1] = v;
      else s.push([step.time, v]);
    }
  return series;
}

/** Segments of constant value: [from, to, value]. */
function segments(
  series: readonly [SimTime, CellValue][],
  duration: SimTime,
): [SimTime, SimTime, CellValue][] {
  const out: [SimTime, SimTime, CellValue][] = [];
  series.forEach(([t, v], i) => {
    const next = series[i + 1];
    out.push([t, next === undefined ? duration : next[0], v]);
  });
  return out;
}

const ROW = 46;

/** Half a pixel: a step line's corners are rounded to it, so a long run draws at most ~2 per pixel. */
const half = (x: number) => Math.round(x * 2) / 2;

/**
 * A value's step line as SVG path data, one run per stretch where it is known. Changes closer
 * than half a pixel share a column: only the last value there is drawn, so a run with a hundred
 * thousand changes still makes a path of a few thousand commands.
 */
export function stepPaths(
  series: readonly [SimTime, CellValue][],
  duration: SimTime,
  yOf: (value: number) => number,
): string[] {
  const runs: string[] = [];
  let commands: string[] = [];
  /** Whether the last command is a V that a later value in the same column may replace. */
  let verticalLast = false;
  for (const [from, to, v] of segments(series, duration)) {
    if (typeof v !== 'number') {
      if (commands.length > 0) runs.push(commands.join(''));
      commands = [];
      verticalLast = false;
      continue;
    }
    const x1 = half(xOf(from, duration));
    const x2 = half(xOf(to, duration));
    const y = fmt(yOf(v));
    if (commands.length === 0) {
      commands.push(`M${x1} ${y}`);
      verticalLast = false;
    } else if (verticalLast) commands[commands.length - 1] = `V${y}`;
    else {
      commands.push(`V${y}`);
      verticalLast = true;
    }
    if (x2 > x1) {
      commands.push(`H${x2}`);
      verticalLast = false;
    }
  }
  if (commands.length > 0) runs.push(commands.join(''));
  return runs;
}

/**
 * One lane per partition, one row per replica: the strip on top is the replica's role (leader or
 * follower), the strip at the bottom whether it is in the ISR, the dark line its log end offset
 * and the green area its high watermark, on a scale from 0 to the partition's highest LEO;
 * hatching over the row while its broker is down.
 */
export function partitionLanesSvg(model: ReportModel): string {
  const { duration, layout } = model;
  if (layout.partitions.length === 0) return '<p class="muted">No partition of a user topic in this run.</p>';
  const wanted = new Set<number>();
  for (const p of layout.partitions) {
    wanted.add(p.isr);
    for (const r of p.replicas) {
      wanted.add(r.role);
      wanted.add(r.leo);
      wanted.add(r.hw);
    }
  }
  for (const s of layout.processes) wanted.add(s.status);
  const series = cellSeries(model, wanted);
  const rows = layout.partitions.reduce((n, p) => n + p.replicas.length, 0);
  const height = 40 + layout.partitions.length * 30 + rows * ROW + 10;
  const parts: string[] = [
    `<svg id="lanes" class="timeline" viewBox="0 0 ${SVG_WIDTH} ${height}" role="img" aria-label="per-partition lanes: leader, ISR, HW and LEO per replica over time">`,
    PATTERNS,
    axis(duration, 22, height - 26),
  ];
  let y = 30;
  for (const p of layout.partitions) {
    let max = 1;
    for (const r of p.replicas)
      for (const [, v] of series.get(r.leo) ?? []) if (typeof v === 'number' && v > max) max = v;
    parts.push(
      `<text class="partition-label" x="${LEFT - 10}" y="${y + 18}" text-anchor="end">${escapeXml(p.name)}</text>`,
      `<text class="partition-note" x="${LEFT}" y="${y + 18}">offsets 0 to ${max} · leader, ISR, HW and LEO of each replica</text>`,
    );
    y += 30;
    const isrSeries = segments(series.get(p.isr) ?? [], duration);
    for (const r of p.replicas) {
      const top = y;
      const plotTop = top + 8;
      const plotBottom = top + ROW - 9;
      const yOf = (offset: number) => plotBottom - (offset / max) * (plotBottom - plotTop);
      parts.push(
        `<text class="lane-label" x="${LEFT - 10}" y="${top + ROW / 2}" text-anchor="end">broker ${r.broker}</text>`,
      );
      // The role: a strip along the top of the row.
      parts.push(`<rect class="row-bg" x="${LEFT}" y="${top}" width="${PLOT}" height="${ROW - 8}"/>`);
      for (const [from, to, role] of segments(series.get(r.role) ?? [], duration)) {
        const x1 = xOf(from, duration);
        const x2 = xOf(to, duration);
        if (x2 <= x1 || typeof role !== 'string') continue;
        const cls = role.startsWith('leader') ? 'role-leader' : 'role-follower';
        parts.push(
          `<rect class="${cls}" x="${fmt(x1)}" y="${top}" width="${fmt(x2 - x1)}" height="5"><title>${escapeXml(`broker ${r.broker}: ${role} from ${timeLabel(from)}`)}</title></rect>`,
        );
      }
      // ISR membership strip.
      for (const [from, to, isr] of isrSeries) {
        if (typeof isr !== 'string') continue;
        const inIsr = isr.split(',').includes(String(r.broker));
        const x1 = xOf(from, duration);
        const x2 = xOf(to, duration);
        if (x2 <= x1) continue;
        parts.push(
          `<rect class="${inIsr ? 'isr-in' : 'isr-out'}" x="${fmt(x1)}" y="${top + ROW - 8}" width="${fmt(x2 - x1)}" height="4"><title>${inIsr ? 'in' : 'out of'} the ISR [${isr}] from ${timeLabel(from)}</title></rect>`,
        );
      }
      // HW area, then the LEO line.
      const step = (s: readonly [SimTime, CellValue][]) => stepPaths(s, duration, yOf);
      for (const d of step(series.get(r.hw) ?? []))
        parts.push(
          `<path class="hw-area" d="${d}V${fmt(plotBottom)}H${d.slice(1, d.indexOf(' '))}Z"/><path class="hw-line" d="${d}"/>`,
        );
      for (const d of step(series.get(r.leo) ?? [])) parts.push(`<path class="leo-line" d="${d}"/>`);
      // The broker down: hatched over everything else in its row.
      for (const [from, to, st] of segments(
        series.get(layout.processes[r.process]?.status ?? -1) ?? [],
        duration,
      )) {
        if (typeof st !== 'string' || !st.startsWith('crashed')) continue;
        const x1 = xOf(from, duration);
        const x2 = xOf(to, duration);
        parts.push(
          `<rect x="${fmt(x1)}" y="${top}" width="${fmt(Math.max(2, x2 - x1))}" height="${ROW - 4}" fill="url(#hatch-down)"><title>broker ${r.broker} ${escapeXml(st)}, ${timeLabel(from)} to ${timeLabel(to)}</title></rect>`,
        );
        if (x2 - x1 > 70)
          parts.push(
            `<text class="band-label" x="${fmt((x1 + x2) / 2)}" y="${top + ROW / 2}" text-anchor="middle">broker down</text>`,
          );
      }
      const lastOf = (c: number) => {
        const s = series.get(c) ?? [];
        return s[s.length - 1]?.[1] ?? null;
      };
      parts.push(
        `<text class="lane-end" x="${SVG_WIDTH - RIGHT + 8}" y="${top + 14}">LEO ${lastOf(r.leo) ?? '?'}</text>`,
        `<text class="lane-end hw" x="${SVG_WIDTH - RIGHT + 8}" y="${top + 29}">HW ${lastOf(r.hw) ?? '?'}</text>`,
      );
      y += ROW;
    }
  }
  // Truncations and elections, on their replica's row, as links to their steps.
  const rowTop = new Map<string, number>();
  let yy = 30;
  for (const p of layout.partitions) {
    yy += 30;
    for (const r of p.replicas) {
      rowTop.set(`${p.name} ${r.broker}`, yy);
      yy += ROW;
    }
  }
  model.steps.forEach((step, i) => {
    if (step.kind !== 'replica') return;
    const m = /^(truncated|became leader of) (\S+?)( to| in)/.exec(step.text);
    if (m === null) return;
    const broker = /^broker-([0-9]+)$/.exec(model.processes[step.process] ?? '')?.[1];
    const top = rowTop.get(`${m[2]} ${broker}`);
    if (top === undefined) return;
    const x = xOf(step.time, duration);
    const truncated = m[1] === 'truncated';
    parts.push(
      `<g class="mark" data-step="${i}">${shape(truncated ? 'down' : 'diamond', x, top + (truncated ? 8 : 8), truncated ? '#c0392b' : '#2c3e50')}<title>${escapeXml(`${timeLabel(step.time)} broker ${broker} ${step.text}`)}</title></g>`,
    );
  });
  parts.push(`<line class="cursor" x1="${LEFT}" y1="24" x2="${LEFT}" y2="${height - 4}"/>`, '</svg>');
  return parts.join('\n');
}
