/**
 * The HTML report's script, run by the browser: the step-through. It reads the page's data (the
 * steps, each with the state cells it changes), rebuilds the cluster's state at any step from
 * checkpoints, moves the cursor in the diagrams, draws the rows around the current step, and
 * turns clicks on markers, verdicts and story lines into steps. Plain ES2017, no dependencies.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var steps = data.steps;
  var N = steps.length;
  var P = data.processes;
  var G = data.geometry;
  var T = 0, K = 1, PR = 2, PEER = 3, TEXT = 4, FAM = 5, NOTABLE = 6, CHANGES = 7, DETAIL = 8;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function fmtTime(us) {
    var s = Math.floor(us / 1e6);
    var rest = String(us - s * 1e6);
    while (rest.length < 6) rest = '0' + rest;
    return s + '.' + rest + 's';
  }
  function name(i) { return i < 0 ? 'scenario / network' : P[i]; }

  // ---- state at any step: checkpoints every EVERY steps -------------------------------------------
  var EVERY = 200;
  var checkpoints = [];
  function apply(v, i) {
    var ch = steps[i][CHANGES];
    for (var j = 0; j < ch.length; j += 2) v[ch[j]] = ch[j + 1];
  }
  (function () {
    var v = data.initial.slice();
    for (var i = 0; i < N; i++) {
      if (i % EVERY === 0) checkpoints.push(v.slice());
      apply(v, i);
    }
  })();
  /** The state after step i. */
  function stateAt(i) {
    var c = Math.floor(i / EVERY);
    var v = checkpoints[c].slice();
    for (var j = c * EVERY; j <= i; j++) apply(v, j);
    return v;
  }

  // ---- navigation -------------------------------------------------------------------------------
  var current = 0;
  function clamp(i) { return Math.max(0, Math.min(N - 1, i)); }
  function go(i) {
    current = clamp(i);
    render();
  }
  function nextChange(dir) {
    for (var i = current + dir; i >= 0 && i < N; i += dir) if (steps[i][NOTABLE]) return i;
    return dir > 0 ? N - 1 : 0;
  }
  function stepAtTime(t) {
    var lo = 0, hi = N - 1;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (steps[mid][T] < t) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  var byId = function (id) { return document.getElementById(id); };
  byId('first').onclick = function () { go(0); };
  byId('last').onclick = function () { go(N - 1); };
  byId('prev').onclick = function () { go(current - 1); };
  byId('next').onclick = function () { go(current + 1); };
  byId('prev-change').onclick = function () { go(nextChange(-1)); };
  byId('next-change').onclick = function () { go(nextChange(1)); };
  var slider = byId('slider');
  slider.oninput = function () { go(Number(slider.value)); };
  document.addEventListener('keydown', function (e) {
    var tag = (e.target && e.target.tagName) || '';
    if (tag === 'INPUT' && e.target.type !== 'range') return;
    if (e.key === 'ArrowRight') { go(e.shiftKey ? nextChange(1) : current + 1); e.preventDefault(); }
    else if (e.key === 'ArrowLeft') { go(e.shiftKey ? nextChange(-1) : current - 1); e.preventDefault(); }
    else if (e.key === 'Home') { go(0); e.preventDefault(); }
    else if (e.key === 'End') { go(N - 1); e.preventDefault(); }
  });
  document.addEventListener('click', function (e) {
    var el = e.target;
    while (el && el !== document && !(el.getAttribute && el.getAttribute('data-step'))) el = el.parentNode;
    if (!el || el === document) return;
    e.preventDefault();
    go(Number(el.getAttribute('data-step')));
    if (el.classList.contains('jump')) byId('stepper').scrollIntoView({ behavior: 'auto', block: 'start' });
  });
  // A click on the diagrams' plot (not on a marker) steps to that time.
  Array.prototype.forEach.call(document.querySelectorAll('svg.timeline'), function (svg) {
    svg.addEventListener('click', function (e) {
      if (e.target.closest && e.target.closest('[data-step]')) return;
      var pt = svg.createSVGPoint();
      pt.x = e.clientX; pt.y = e.clientY;
      var p = pt.matrixTransform(svg.getScreenCTM().inverse());
      var plot = G.width - G.left - G.right;
      if (p.x < G.left || p.x > G.left + plot) return;
      go(stepAtTime(((p.x - G.left) / plot) * data.duration));
    });
  });

  // ---- drawing ----------------------------------------------------------------------------------
  function statusClass(s) {
    if (s === 'up') return 'up';
    if (s === 'paused') return 'paused';
    if (s === 'not started') return 'not-started';
    return 'crashed';
  }
  function cursorX(t) {
    var plot = G.width - G.left - G.right;
    return G.left + (Math.min(t, data.duration) / Math.max(1, data.duration)) * plot;
  }
  var lastMarks = [];
  function render() {
    var s = steps[current];
    slider.value = String(current);
    byId('position').textContent = 'step ' + (current + 1) + ' of ' + N + ' · t=' + fmtTime(s[T]);
    byId('prev').disabled = byId('first').disabled = byId('prev-change').disabled = current === 0;
    byId('next').disabled = byId('last').disabled = byId('next-change').disabled = current === N - 1;
    var kind = data.kinds[s[K]];
    var who = s[PR] < 0 ? '' : '<span class="who">' + esc(P[s[PR]]) + '</span>' +
      (kind === 'message' ? ' ← ' + esc(P[s[PEER]]) : '') + ': ';
    var ev = data.evidence[current];
    byId('current').innerHTML = '<span class="kind kind-' + kind + '">' + kind + '</span>' + who + esc(s[TEXT]) +
      (ev ? ' <span class="evidence-note">(evidence of a violation)</span>' : '');
    byId('detail').innerHTML = '<div class="step-title"><span class="kind kind-' + kind + '">' + kind + '</span>' +
      '<span class="mono">' + fmtTime(s[T]) + '</span> ' + who + esc(s[TEXT]) + '</div>' +
      (ev ? '<div class="evidence-note">evidence: ' + ev.map(esc).join('<br>evidence: ') + '</div>' : '') +
      (s[DETAIL] ? '<pre>' + esc(s[DETAIL]) + '</pre>' : '');
    var x = cursorX(s[T]);
    Array.prototype.forEach.call(document.querySelectorAll('svg.timeline .cursor'), function (c) {
      c.setAttribute('x1', x); c.setAttribute('x2', x);
    });
    lastMarks.forEach(function (m) { m.classList.remove('current'); });
    lastMarks = Array.prototype.slice.call(document.querySelectorAll('.mark[data-step="' + current + '"]'));
    lastMarks.forEach(function (m) { m.classList.add('current'); });
    drawSequence();
    drawState();
    if (history.replaceState) history.replaceState(null, '', '#step-' + current);
  }

  var BEFORE = 9, AFTER = 14, ROW = 22, HEAD = 34, GUTTER = 150;
  function drawSequence() {
    var from = Math.max(0, current - BEFORE);
    var to = Math.min(N - 1, from + BEFORE + AFTER);
    from = Math.max(0, Math.min(from, to - BEFORE - AFTER));
    var width = G.width;
    var colW = (width - GUTTER - 40) / Math.max(1, P.length - 1);
    function cx(i) { return P.length === 1 ? GUTTER + (width - GUTTER) / 2 : GUTTER + 10 + i * colW; }
    var rows = to - from + 1;
    var height = HEAD + rows * ROW + 8;
    var out = ['<svg viewBox="0 0 ' + width + ' ' + height + '" role="img" aria-label="the events around the current step">',
      '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#4b5a68"/></marker></defs>'];
    for (var i = 0; i < P.length; i++)
      out.push('<text class="seq-head" x="' + cx(i) + '" y="20" text-anchor="middle">' + esc(P[i]) + '</text>');
    // Each process's column, styled by its status at each row.
    var state = from > 0 ? stateAt(from - 1) : data.initial.slice();
    var statusOf = data.layout.processes;
    for (var r = 0; r < rows; r++) {
      var idx = from + r;
      apply(state, idx);
      var y0 = HEAD + r * ROW;
      for (var c = 0; c < P.length; c++) {
        var st = state[statusOf[c].status];
        var cls = st === 'up' ? '' : st === 'paused' ? ' paused' : st === 'not started' ? ' absent' : ' crashed';
        out.push('<line class="seq-col' + cls + '" x1="' + cx(c) + '" y1="' + y0 + '" x2="' + cx(c) + '" y2="' + (y0 + ROW) + '"/>');
      }
    }
    for (var r2 = 0; r2 < rows; r2++) {
      var k = from + r2;
      var s = steps[k];
      var y = HEAD + r2 * ROW;
      var mid = y + ROW / 2;
      var classes = 'seq-row' + (k === current ? ' current' : '') + (data.evidence[k] ? ' evidence' : '');
      out.push('<g class="' + classes + '" data-step="' + k + '"><rect class="row-bg" x="0" y="' + y + '" width="' + width + '" height="' + ROW + '" fill="transparent"/>');
      out.push('<text class="seq-time" x="8" y="' + (mid + 4) + '">' + fmtTime(s[T]) + '</text>');
      var kind = data.kinds[s[K]];
      if (kind === 'message' && s[PEER] >= 0 && s[PR] >= 0) {
        var x1 = cx(s[PEER]), x2 = cx(s[PR]);
        var colour = s[FAM] >= 0 ? data.colours[s[FAM]] : '#4b5a68';
        out.push('<line x1="' + x1 + '" y1="' + (mid + 3) + '" x2="' + (x2 + (x2 > x1 ? -3 : 3)) + '" y2="' + (mid + 3) + '" stroke="' + colour + '" stroke-width="1.6" marker-end="url(#arrow)"/>');
        var lx = Math.min(x1, x2) + 6;
        var anchor = 'start';
        if (Math.abs(x2 - x1) < 220 && Math.max(x1, x2) > width - 300) { lx = Math.min(x1, x2) - 6; anchor = 'end'; }
        else if (Math.abs(x2 - x1) < 220) { lx = Math.max(x1, x2) + 8; }
        out.push('<text class="label" x="' + lx + '" y="' + (mid - 1) + '" text-anchor="' + anchor + '">' + esc(s[TEXT]) + '</text>');
      } else if (s[PR] < 0) {
        out.push('<text class="world" x="' + (GUTTER + 4) + '" y="' + (mid + 4) + '">' + esc(s[TEXT]) + '</text>');
      } else {
        var px = cx(s[PR]);
        var fill = kind === 'fault' || kind === 'drop' ? '#c0392b' : kind === 'recovery' ? '#1e8449' : kind === 'replica' ? '#6c3483' : kind === 'op' ? '#2c7a3f' : '#4b5a68';
        out.push('<circle cx="' + px + '" cy="' + mid + '" r="4.5" fill="' + fill + '"/>');
        var right = px < width - 380;
        out.push('<text class="label" x="' + (right ? px + 9 : px - 9) + '" y="' + (mid + 4) + '" text-anchor="' + (right ? 'start' : 'end') + '">' + esc(s[TEXT]) + '</text>');
      }
      out.push('</g>');
    }
    out.push('</svg>');
    byId('sequence').innerHTML = out.join('');
  }

  function drawState() {
    var v = stateAt(current);
    var changed = {};
    var ch = steps[current][CHANGES];
    for (var j = 0; j < ch.length; j += 2) changed[ch[j]] = true;
    var L = data.layout;
    function cell(c, text) { return '<td' + (changed[c] ? ' class="changed"' : '') + '>' + text + '</td>'; }
    var html = ['<div><h4>Processes</h4>'];
    L.processes.forEach(function (p) {
      var st = v[p.status];
      html.push('<span class="proc ' + statusClass(st) + (changed[p.status] ? ' changed' : '') + '">' + esc(p.name) + ': ' + esc(st) + '</span>');
    });
    var controller = v[L.controller];
    html.push('<h4>Cluster</h4><div>controller: <span' + (changed[L.controller] ? ' class="changed"' : '') + '>' +
      (controller === null || controller === undefined ? 'none' : 'broker ' + esc(controller)) + '</span></div>');
    html.push('<div>network: <span' + (changed[L.network] ? ' class="changed"' : '') + '>' + esc(v[L.network]) + '</span></div>');
    if (L.clients.length > 0) {
      html.push('<h4>Clients</h4><table><thead><tr><th>client</th><th>op</th><th>invoked</th><th>ok</th><th>failed</th><th>unknown</th></tr></thead><tbody>');
      L.clients.forEach(function (c) {
        c.ops.forEach(function (o) {
          html.push('<tr><td>' + esc(c.name) + '</td><td>' + esc(o.f) + '</td>' + cell(o.invoke, v[o.invoke]) + cell(o.ok, v[o.ok]) +
            cell(o.fail, v[o.fail]) + cell(o.info, v[o.info]) + '</tr>');
        });
      });
      html.push('</tbody></table>');
    }
    html.push('</div><div>');
    L.partitions.forEach(function (p) {
      var isr = v[p.isr];
      var members = typeof isr === 'string' ? isr.split(',') : [];
      var max = 1;
      p.replicas.forEach(function (r) { if (typeof v[r.leo] === 'number' && v[r.leo] > max) max = v[r.leo]; });
      var leader = v[p.leader];
      var leaderLeo = null;
      p.replicas.forEach(function (r) { if (r.broker === leader) leaderLeo = v[r.leo]; });
      html.push('<h4>' + esc(p.name) + '</h4><div>leader <span' + (changed[p.leader] ? ' class="changed"' : '') + '>' +
        (leader === null ? 'none' : 'broker ' + esc(leader)) + '</span> · leader epoch <span' + (changed[p.epoch] ? ' class="changed"' : '') + '>' +
        esc(v[p.epoch]) + '</span> · ISR <span' + (changed[p.isr] ? ' class="changed"' : '') + '>' + (isr === null ? 'not known yet' : '[' + esc(isr) + ']') + '</span></div>');
      html.push('<table><thead><tr><th>replica</th><th>role</th><th>LEO</th><th>HW</th><th>in ISR</th><th>behind the leader</th><th>log: HW (green) and LEO</th></tr></thead><tbody>');
      p.replicas.forEach(function (r) {
        var proc = L.processes[r.process];
        var st = proc ? v[proc.status] : 'up';
        var role = st !== 'up' && st !== undefined ? (st === 'paused' ? 'paused' : 'down') + (v[r.role] ? ' (' + v[r.role] + ')' : '') : v[r.role] === null ? '—' : v[r.role];
        var leo = v[r.leo], hw = v[r.hw];
        var lag = typeof leo === 'number' && typeof leaderLeo === 'number' && r.broker !== leader ? Math.max(0, leaderLeo - leo) : '';
        var bar = '<span class="logbar"><span class="leo" style="width:' + (typeof leo === 'number' ? (100 * leo / max).toFixed(1) : 0) +
          '%"></span><span class="hw" style="width:' + (typeof hw === 'number' ? (100 * hw / max).toFixed(1) : 0) + '%"></span></span>';
        html.push('<tr><td>broker ' + r.broker + '</td>' + cell(r.role, esc(role)) + cell(r.leo, leo === null ? '?' : esc(leo)) +
          cell(r.hw, hw === null ? '?' : esc(hw)) + cell(p.isr, members.indexOf(String(r.broker)) >= 0 ? '✓' : '✗') +
          '<td>' + lag + '</td><td>' + bar + '</td></tr>');
      });
      html.push('</tbody></table>');
    });
    html.push('</div>');
    byId('state').innerHTML = html.join('');
  }

  var m = /^#step-(\d+)$/.exec(location.hash);
  go(m ? Number(m[1]) : 0);
})();
`;
