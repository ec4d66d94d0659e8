/*
 * The report's pieces drawn in the browser from the API's SceneDetail (GET jobs/{id}/scenes):
 * the scene strip, the similarity chart with its cuts, the LVCoT segment list. Same elements,
 * classes, data attributes and chart geometry as the HTML report (dev.longvqa.report.ReportWriter),
 * styled by the same report.css, so a reader of one can read the other.
 *
 * Every text comes from a video name, a model or a user: it only ever goes in as textContent,
 * never as markup.
 */
(function (global) {
  'use strict';

  var SVG = 'http://www.w3.org/2000/svg';
  // ReportWriter's paddings; the width is the container's, so the chart's text stays readable on a phone.
  var PAD_L = 48, PAD_R = 12, PAD_T = 12, PAD_B = 28;

  /** 75.25 -> "1:15.3"; an hour or more -> "1:02:03" (ReportWriter.clock). */
  function clock(sec) {
    if (!(sec >= 0)) sec = 0;
    var tenths = Math.round(sec * 10);
    var s = Math.floor(tenths / 10), h = Math.floor(s / 3600);
    if (h > 0) return h + ':' + pad2(Math.floor(s / 60) % 60) + ':' + pad2(s % 60);
    return Math.floor(s / 60) + ':' + pad2(s % 60) + '.' + (tenths % 10);
  }

  function pad2(n) { return (n < 10 ? '0' : '') + n; }
  function sec3(v) { return Number(v).toFixed(3); }
  function px(v) { return Number(v).toFixed(1); }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }

  function svg(tag, attrs, title) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    if (title != null) e.appendChild(svg('title', {})).textContent = title;
    return e;
  }

  /** figure.scene[data-index][data-start][data-end][data-representative], one per scene, in order. */
  function strip(container, scenes) {
    container.replaceChildren();
    scenes.forEach(function (s) {
      var rep = s.representativeSec != null ? s.representativeSec : (s.startSec + s.endSec) / 2;
      var f = el('figure', {
        'class': 'scene', id: 'scene-' + s.index, 'data-index': s.index,
        'data-start': sec3(s.startSec), 'data-end': sec3(s.endSec), 'data-representative': sec3(rep)
      });
      f.appendChild(el('div', { 'class': 'noimg' }, clock(rep)));
      var cap = el('figcaption', {});
      cap.appendChild(el('b', {}, '#' + s.index));
      cap.appendChild(document.createTextNode(' ' + clock(s.startSec) + '–' + clock(s.endSec)));
      cap.appendChild(el('br', {}));
      cap.appendChild(el('span', { 'class': 'rep' }, 'frame at ' + clock(rep)));
      f.appendChild(cap);
      container.appendChild(f);
    });
  }

  function tickStep(dur) {
    var steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
    for (var i = 0; i < steps.length; i++) if (dur / steps[i] <= 12) return steps[i];
    return 7200;
  }

  /**
   * svg#similarity: scene bands, y grid, time axis, the curve, a dashed line.cut[data-time] at every
   * scene boundary and a dot at every representative frame. {@code width} in CSS pixels.
   */
  function chart(container, detail, width) {
    var w = Math.max(280, Math.round(width)), h = w < 600 ? 200 : 260;
    var curve = detail.curve || [], scenes = detail.scenes || [];
    var dur = detail.durationSec > 0 ? detail.durationSec : 1;
    var lo = curve.reduce(function (m, p) { return Math.min(m, p.similarity); }, Infinity);
    if (!isFinite(lo)) lo = 0;
    lo = Math.min(0.9, Math.floor(Math.min(lo, 1) * 10) / 10);
    var hi = 1, pw = w - PAD_L - PAD_R, ph = h - PAD_T - PAD_B;
    function x(t) { return PAD_L + t / dur * pw; }
    function y(v) { return PAD_T + ph - (Math.max(lo, Math.min(hi, v)) - lo) / (hi - lo) * ph; }

    var root = svg('svg', {
      id: 'similarity', viewBox: '0 0 ' + w + ' ' + h, width: w, height: h, role: 'img',
      'aria-label': 'similarity curve with cuts', 'data-duration': sec3(detail.durationSec || 0),
      'data-min': lo, 'data-max': hi
    });
    scenes.forEach(function (s) {
      root.appendChild(svg('rect', {
        'class': 'scene-band ' + (s.index % 2 === 0 ? 'even' : 'odd'), 'data-index': s.index,
        x: px(x(s.startSec)), y: PAD_T, width: px(Math.max(0, (s.endSec - s.startSec) / dur * pw)), height: ph
      }, 'scene ' + s.index + ': ' + clock(s.startSec) + '–' + clock(s.endSec)));
    });
    for (var i = 0; i <= 4; i++) {
      var v = lo + (hi - lo) * i / 4, gy = PAD_T + ph - (v - lo) / (hi - lo) * ph;
      root.appendChild(svg('line', { 'class': 'grid', x1: PAD_L, x2: PAD_L + pw, y1: px(gy), y2: px(gy) }));
      root.appendChild(svg('text', { 'class': 'axis', x: PAD_L - 6, y: px(gy + 4), 'text-anchor': 'end' })).textContent = v.toFixed(2);
    }
    var step = tickStep(dur);
    if (w < 600) step = Math.max(step, tickStep(dur * 2)); // fewer labels where they would collide
    for (var t = 0; t <= dur + 1e-9; t += step) {
      var anchor = t === 0 ? 'start' : (t + step > dur + 1e-9 && dur - t < step / 2 ? 'end' : 'middle');
      root.appendChild(svg('text', { 'class': 'axis', x: px(x(t)), y: h - 8, 'text-anchor': anchor })).textContent = clock(t);
    }
    if (curve.length) {
      root.appendChild(svg('polyline', {
        'class': 'curve',
        points: curve.map(function (p) { return px(x(p.timeSec)) + ',' + px(y(p.similarity)); }).join(' ')
      }));
    }
    scenes.forEach(function (s) {
      if (s.index === 0) return;
      root.appendChild(svg('line', {
        'class': 'cut', 'data-time': sec3(s.startSec), x1: px(x(s.startSec)), x2: px(x(s.startSec)), y1: PAD_T, y2: PAD_T + ph
      }, 'cut at ' + clock(s.startSec)));
    });
    scenes.forEach(function (s) {
      if (s.representativeSec == null) return;
      root.appendChild(svg('circle', { 'class': 'representative', 'data-index': s.index, cx: px(x(s.representativeSec)), cy: PAD_T + ph, r: 4 }));
    });
    var legend = el('p', { 'class': 'legend' });
    [['k cutk', 'cut (scene boundary)'], ['k bandk', 'scene'], ['k repk', 'representative frame']].forEach(function (k) {
      legend.appendChild(el('span', { 'class': k[0] }));
      legend.appendChild(document.createTextNode(' ' + k[1] + ' '));
    });
    container.replaceChildren(root, legend);
  }

  /** li.segment[data-index][data-start][data-end] with the summary text. */
  function segments(list, segs) {
    list.replaceChildren();
    segs.forEach(function (s) {
      var li = el('li', { 'class': 'segment', 'data-index': s.index, 'data-start': sec3(s.startSec), 'data-end': sec3(s.endSec) });
      li.appendChild(el('h3', {}, clock(s.startSec) + '–' + clock(s.endSec)));
      li.appendChild(el('p', { 'class': 'summary' }, s.summary));
      list.appendChild(li);
    });
  }

  global.LongVqaReport = { clock: clock, strip: strip, chart: chart, segments: segments, el: el };
})(window);
