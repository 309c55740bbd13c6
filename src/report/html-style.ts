/** The HTML report's stylesheet: light, plain, readable when printed. */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1d2329; --muted: #5f6b76; --line: #d7dde3; --bg: #ffffff; --panel: #f6f8fa;
  --fault: #c0392b; --ok: #1e8449; --accent: #1f5fa8; --current: #fff3b0; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
header, main { max-width: 1240px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 18px; }
h1 { font-size: 26px; margin: 0 0 6px; }
section { scroll-margin-top: 96px; }
h2 { font-size: 19px; margin: 28px 0 6px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 4px; }
code, pre, .time, #position, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; }
pre { background: var(--panel); border: 1px solid var(--line); padding: 10px; overflow-x: auto; }
.description { white-space: pre-line; margin: 4px 0; max-width: 900px; }
.meta, .hint, .muted { color: var(--muted); font-size: 13.5px; }
.hint { margin: 2px 0 8px; max-width: 1000px; }
.verdict { font-size: 15px; vertical-align: middle; padding: 2px 10px; border-radius: 12px; color: #fff; }
.verdict-pass { background: var(--ok); } .verdict-fail { background: var(--fault); }
#stepbar { position: sticky; top: 0; z-index: 5; background: #ffffff; border-bottom: 1px solid var(--line);
  box-shadow: 0 2px 6px rgba(0,0,0,0.06); padding: 8px 20px 6px; margin-top: 10px; }
.controls { max-width: 1200px; margin: 0 auto; display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.controls button { font: inherit; font-size: 14px; padding: 3px 10px; border: 1px solid #b8c2cc; border-radius: 5px; background: #fff; cursor: pointer; }
.controls button:hover { background: #eef3f8; }
.controls button:disabled { color: #aab; cursor: default; background: #fafafa; }
#slider { flex: 1; min-width: 160px; }
#position { color: var(--muted); min-width: 250px; text-align: right; }
#current { max-width: 1200px; margin: 4px auto 0; min-height: 22px; font-size: 14.5px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#detail { margin: 6px 0 8px; font-size: 14.5px; } #detail .step-title .mono { margin-right: 8px; color: var(--muted); }
#detail pre { margin: 6px 0 0; font-size: 12px; }
#current .who { font-weight: 600; }
#current .evidence-note { color: var(--fault); font-weight: 600; }
.kind { display: inline-block; font-size: 11.5px; padding: 0 6px; border-radius: 8px; background: #e9edf1; color: #333; margin-right: 4px; }
.kind-fault, .kind-drop { background: #fde2e1; color: #8e1b14; } .kind-recovery { background: #dff3e4; color: #14532d; }
.kind-action, .kind-assert { background: #dbe9fb; color: #123f73; } .kind-replica { background: #ece3f7; color: #4a2473; }
.kind-message { background: #e8f1fa; color: #1f4e79; } .kind-end { background: #333; color: #fff; }
svg.timeline { width: 100%; height: auto; display: block; user-select: none; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.plot { fill: #fbfcfd; stroke: var(--line); }
.grid { stroke: #e6eaee; } .tick { font-size: 11px; fill: var(--muted); }
.lane { stroke: #c3cbd3; stroke-width: 1; }
.lane-label { font-size: 13px; fill: var(--ink); }
.band { stroke: none; } .band-network { fill: #f3e8fb; opacity: 0.8; }
.band-label { font-size: 11px; fill: #7a1f17; font-weight: 600; pointer-events: none; }
.traffic path { stroke-width: 1.3; fill: none; }
.mark { cursor: pointer; } .mark:hover { opacity: 0.7; }
.mark.current circle, .mark.current path { stroke: #000; stroke-width: 1.5; }
.flagpole { stroke: #1f5fa8; stroke-dasharray: 3 3; } .flaghead { fill: #1f5fa8; } .flag-label { font-size: 11px; fill: #1f5fa8; }
.cursor { stroke: #e4002b; stroke-width: 2; pointer-events: none; }
.partition-label { font-size: 14px; font-weight: 600; fill: var(--ink); } .partition-note { font-size: 11.5px; fill: var(--muted); }
.role-leader { fill: #2f6fc1; } .role-follower { fill: #b3bcc5; } .row-bg { fill: #fbfcfd; stroke: #e3e7eb; }
.isr-in { fill: #2e9d55; } .isr-out { fill: #f0a030; }
.hw-area { fill: #bfe5c9; opacity: 0.85; stroke: none; } .hw-line { fill: none; stroke: #2e9d55; stroke-width: 1.2; }
.leo-line { fill: none; stroke: #1d2329; stroke-width: 1.6; }
.lane-end { font-size: 12px; fill: var(--ink); } .lane-end.hw { fill: #1e7a41; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12.5px; color: var(--muted); margin: 6px 0 0 130px; }
.key i { display: inline-block; width: 14px; height: 10px; margin-right: 5px; vertical-align: middle; border-radius: 2px; }
.key .sym { margin-right: 4px; font-style: normal; }
.swatch.crashed { background: repeating-linear-gradient(45deg, #fde2e1 0 3px, #e35d5b 3px 5px); }
.swatch.paused { background: repeating-linear-gradient(45deg, #fff3cd 0 3px, #e0a800 3px 5px); }
.swatch.isolated { background: repeating-linear-gradient(-45deg, #efe3fb 0 3px, #9b59d0 3px 5px); }
.swatch.network { background: #f3e8fb; border: 1px solid #d9c2ec; }
.chip { display: inline-block; padding: 0 7px; border-radius: 4px; font-size: 12.5px; border: 1px solid #cdd5dd; }
.chip.role-leader { background: #2f6fc1; color: #fff; border-color: #2f6fc1; } .chip.role-follower { background: #b3bcc5; border-color: #b3bcc5; }
.chip.crashed { background: repeating-linear-gradient(45deg, #fde2e1 0 3px, #f3a6a4 3px 5px); }
.chip.isr-in { background: #2e9d55; color: #fff; border-color: #2e9d55; } .chip.isr-out { background: #f0a030; color: #222; border-color: #f0a030; }
table { border-collapse: collapse; font-size: 14px; }
th, td { text-align: left; padding: 3px 12px 3px 0; border-bottom: 1px solid #eceff2; vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12.5px; }
table.verdicts td:first-child { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
tr.unmet td { color: var(--fault); font-weight: 600; }
.found-violated { color: #8e1b14; }
.unmet-title { color: var(--fault); }
.top { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 0 32px; }
.top #story ol { max-height: 420px; overflow: auto; border: 1px solid #eceff2; border-radius: 4px; padding: 4px; }
.checks { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 6px; }
.check { border: 1px solid #dfe4e9; border-left: 4px solid #2e9d55; border-radius: 4px; padding: 3px 8px; background: #fbfdfc; }
.check.violated { border-left-color: #e08a2c; background: #fffaf3; }
.check.unmet { border-left-color: var(--fault); background: #fff4f3; }
.check-name { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; font-weight: 600; }
.check-found { font-size: 13.5px; } .check-expected { font-size: 12px; color: var(--muted); }
.ok { color: var(--ok); font-weight: 700; } .bad { color: var(--fault); font-weight: 700; }
ul.assertions { list-style: none; padding: 0; margin: 4px 0; font-size: 14px; } ul.assertions li.unmet { color: var(--fault); }
ol.violations { margin: 4px 0 10px; padding-left: 22px; } ol.violations li { margin: 4px 0; }
.evidence { font-size: 13px; color: var(--muted); }
a.jump { color: var(--accent); text-decoration: none; border-bottom: 1px dotted var(--accent); cursor: pointer; }
.evidence a.jump { margin-right: 8px; white-space: nowrap; }
ol.story { list-style: none; padding: 0; margin: 0; columns: 1; }
ol.story li { margin: 1px 0; }
ol.story a.jump { border: none; color: var(--ink); display: block; padding: 1px 4px; border-radius: 3px; }
ol.story a.jump:hover { background: #eef3f8; }
ol.story .time { color: var(--muted); margin-right: 6px; }
.tone-fault a.jump { color: #a4261b !important; } .tone-recovery a.jump { color: #17663a !important; }
.tone-action a.jump { color: #1f5fa8 !important; } .tone-output a.jump { color: var(--muted) !important; font-family: ui-monospace, Menlo, monospace; font-size: 12.5px; white-space: pre; }
#sequence svg { width: 100%; height: auto; display: block; border: 1px solid var(--line); background: #fff; }
.seq-row { cursor: pointer; } .seq-row:hover rect.row-bg { fill: #f1f5f9; }
.seq-row.current rect.row-bg { fill: var(--current); }
.seq-row.evidence text.label { fill: var(--fault); font-weight: 600; }
.seq-time { font-size: 11px; fill: var(--muted); font-family: ui-monospace, Menlo, monospace; }
.seq-head { font-size: 12.5px; font-weight: 600; fill: var(--ink); }
.seq-col { stroke: #c9d1d9; stroke-width: 1.5; }
.seq-col.crashed { stroke: #e35d5b; stroke-dasharray: 4 3; } .seq-col.paused { stroke: #e0a800; stroke-dasharray: 2 3; }
.seq-col.absent { stroke: #eef0f2; }
.seq-row text.label { font-size: 11.5px; fill: #24303b; }
.seq-row text.world { font-size: 11.5px; fill: #123f73; font-style: italic; }
#state { display: grid; grid-template-columns: minmax(260px, 1fr) 2fr; gap: 10px 28px; margin-top: 12px; }
#state h4 { margin: 6px 0 4px; font-size: 13px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.proc { display: inline-block; margin: 2px 4px 2px 0; padding: 1px 8px; border-radius: 10px; font-size: 13px; border: 1px solid #cdd5dd; }
.proc.up { background: #e3f4e8; border-color: #a6d8b5; } .proc.crashed { background: #fde2e1; border-color: #f0a3a0; }
.proc.paused { background: #fff3cd; border-color: #f0d27a; } .proc.not-started { background: #f5f5f5; color: #888; }
td.changed, span.changed { background: var(--current); }
.logbar { position: relative; display: inline-block; width: 160px; height: 10px; background: #f0f2f4; border-radius: 2px; vertical-align: middle; }
.logbar .leo { position: absolute; left: 0; top: 0; bottom: 0; background: #5d6d7e; border-radius: 2px; }
.logbar .hw { position: absolute; left: 0; top: 0; bottom: 0; background: #2e9d55; border-radius: 2px; }
@media (max-width: 900px) { #state, .top { grid-template-columns: 1fr; } #position { min-width: 0; } }
@media print { #stepbar { position: static; } }
`;
