// Keeps the run page current while the run goes: server-sent events from
// /api/v1/runs/N/events say something changed; the page then fetches the re-rendered overview
// (at most once a second) and swaps it in. The server renders it, so everything stays escaped.
(function () {
  'use strict';
  var root = document.getElementById('run-live');
  if (!root || !window.EventSource) return;
  var number = root.getAttribute('data-run');
  var status = root.getAttribute('data-status');
  if (['queued', 'running', 'cancelling'].indexOf(status) < 0) return;
  var pending = false;
  var source = new EventSource('/api/v1/runs/' + encodeURIComponent(number) + '/events');
  function refresh() {
    if (pending) return;
    pending = true;
    setTimeout(function () {
      fetch('/runs/' + encodeURIComponent(number) + '/live' + window.location.search, { credentials: 'same-origin' })
        .then(function (res) {
          return res.ok ? res.text() : Promise.reject(new Error(String(res.status)));
        })
        .then(function (html) {
          root.innerHTML = html;
          var inner = root.querySelector('[data-status]');
          var now = inner ? inner.getAttribute('data-status') : null;
          if (window.shakedownCharts) window.shakedownCharts.drawAll(root);
          if (window.shakedownSortable) window.shakedownSortable.enhance(root);
          var announce = document.getElementById('run-announce');
          if (announce && now && now !== status) announce.textContent = 'Run #' + number + ' is now ' + now;
          status = now || status;
          if (now && ['queued', 'running', 'cancelling'].indexOf(now) < 0) source.close();
          document.body.setAttribute(
            'data-live-updates',
            String(Number(document.body.getAttribute('data-live-updates') || 0) + 1),
          );
        })
        .catch(function () {
          /* the next event retries */
        })
        .then(function () {
          pending = false;
        });
    }, 1000);
  }
  source.addEventListener('message', refresh);
  source.addEventListener('open', function () {
    document.body.setAttribute('data-live', 'connected');
  });
})();
