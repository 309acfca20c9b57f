// Tables with class "sortable": every column header becomes a button (so Tab reaches it and Enter or
// Space sorts), its th carries aria-sort, and a polite live region says what happened for screen
// readers. Numbers sort by data-sort, everything else by text.
(function () {
  'use strict';
  function value(cell) {
    var raw = cell.getAttribute('data-sort');
    if (raw !== null && raw !== '' && !isNaN(Number(raw))) return Number(raw);
    return (raw !== null ? raw : cell.textContent).trim().toLowerCase();
  }
  function liveRegion() {
    var region = document.getElementById('sort-status');
    if (!region) {
      region = document.createElement('p');
      region.id = 'sort-status';
      region.className = 'sr-only';
      region.setAttribute('role', 'status');
      region.setAttribute('aria-live', 'polite');
      document.body.appendChild(region);
    }
    return region;
  }
  function sortBy(th) {
    var table = th.closest('table');
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var body = table.tBodies[0];
    var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    Array.prototype.forEach.call(th.parentNode.children, function (h) {
      h.removeAttribute('aria-sort');
    });
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a.cells[index]);
      var y = value(b.cells[index]);
      if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir;
      return String(x).localeCompare(String(y)) * dir;
    });
    rows.forEach(function (r) {
      body.appendChild(r);
    });
    liveRegion().textContent = 'sorted by ' + th.textContent.trim() + ', ' + th.getAttribute('aria-sort');
  }
  function enhance(root) {
    (root || document).querySelectorAll('table.sortable thead th').forEach(function (th) {
      if (th.querySelector('button.sort') || !th.textContent.trim()) return;
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
    });
  }
  document.addEventListener('click', function (ev) {
    var th = ev.target.closest && ev.target.closest('table.sortable th');
    if (th) sortBy(th);
  });
  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', function () {
      enhance();
    });
  else enhance();
  window.shakedownSortable = { enhance: enhance };
})();
