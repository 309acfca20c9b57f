// Builds the charts described by <script type="application/json" data-chart> blocks (see
// src/reports/charts/chart-specs.ts). No network: Chart.js is loaded before this file, from the
// server's /static or inlined in the static report.
(function () {
  'use strict';

  // Draws ±1 stddev whiskers and the raw samples over each bar or line point.
  var whiskersAndSamples = {
    id: 'whiskersAndSamples',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var y = chart.scales.y;
      chart.data.datasets.forEach(function (ds, di) {
        var meta = chart.getDatasetMeta(di);
        if (meta.hidden) return;
        meta.data.forEach(function (el, i) {
          var x = el.x;
          var err = ds.shakedownErrors && ds.shakedownErrors[i];
          ctx.save();
          if (err) {
            var top = y.getPixelForValue(err[1]);
            var bottom = y.getPixelForValue(err[0]);
            ctx.strokeStyle = '#1f2933';
            ctx.lineWidth = 1.2;
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, bottom);
            ctx.moveTo(x - 4, top);
            ctx.lineTo(x + 4, top);
            ctx.moveTo(x - 4, bottom);
            ctx.lineTo(x + 4, bottom);
            ctx.stroke();
          }
          var samples = (ds.shakedownSamples && ds.shakedownSamples[i]) || [];
          ctx.fillStyle = 'rgba(20, 28, 38, 0.55)';
          samples.forEach(function (v, k) {
            if (typeof v !== 'number' || !isFinite(v)) return;
            // A small deterministic spread so equal samples do not hide each other.
            var dx = ((k % 5) - 2) * 2;
            ctx.beginPath();
            ctx.arc(x + dx, y.getPixelForValue(v), 2, 0, Math.PI * 2);
            ctx.fill();
          });
          ctx.restore();
        });
      });
    },
  };

  function extent(spec) {
    var lo = Infinity;
    var hi = -Infinity;
    spec.series.forEach(function (s) {
      s.values.forEach(function (v) {
        if (typeof v === 'number') { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      });
      (s.errors || []).forEach(function (e) {
        if (e) { lo = Math.min(lo, e[0]); hi = Math.max(hi, e[1]); }
      });
      (s.samples || []).forEach(function (list) {
        list.forEach(function (v) {
          if (typeof v === 'number' && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        });
      });
    });
    return { lo: lo, hi: hi };
  }

  function build(spec, canvas) {
    var stacked = spec.kind === 'stacked';
    var trend = spec.kind === 'trend';
    var range = extent(spec);
    var datasets = spec.series.map(function (s) {
      return {
        label: s.name,
        data: s.values,
        backgroundColor: s.color,
        borderColor: s.color,
        borderWidth: trend ? 2 : 0,
        pointRadius: trend ? 3 : 0,
        spanGaps: true,
        shakedownErrors: s.errors || null,
        shakedownSamples: s.samples || null,
      };
    });
    return new window.Chart(canvas, {
      type: trend ? 'line' : 'bar',
      data: { labels: spec.labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: spec.series.length > 1, position: 'bottom' },
          title: { display: false },
          tooltip: { mode: 'index', intersect: false },
        },
        scales: {
          x: { stacked: stacked, ticks: { autoSkip: true, maxRotation: 60, callback: function (v) {
            var label = this.getLabelForValue(v);
            return label.length > 40 ? label.slice(0, 38) + '…' : label;
          } } },
          y: {
            stacked: stacked,
            beginAtZero: !trend || range.lo >= 0,
            suggestedMax: isFinite(range.hi) ? range.hi : undefined,
            title: { display: Boolean(spec.yLabel), text: spec.yLabel || '' },
          },
        },
      },
      plugins: stacked ? [] : [whiskersAndSamples],
    });
  }

  function drawAll(root) {
    if (!window.Chart) return;
    var blocks = (root || document).querySelectorAll('script[type="application/json"][data-chart]');
    Array.prototype.forEach.call(blocks, function (block) {
      var canvas = document.getElementById(block.getAttribute('data-chart'));
      if (!canvas || canvas.getAttribute('data-drawn')) return;
      try {
        build(JSON.parse(block.textContent), canvas);
        canvas.setAttribute('data-drawn', '1');
      } catch (err) {
        canvas.insertAdjacentText('afterend', 'chart could not be drawn: ' + err.message);
      }
    });
  }

  window.shakedownCharts = { drawAll: drawAll };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', function () { drawAll(); });
  else drawAll();
})();
