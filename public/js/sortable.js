// Click a column header of a table.sortable to sort by it (numbers by data-sort, else text).
(function () {
  'use strict';
  function value(cell) {
    var raw = cell.getAttribute('data-sort');
    if (raw !== null && raw !== '' && !isNaN(Number(raw))) return Number(raw);
    return (raw !== null ? raw : cell.textContent).trim().toLowerCase();
  }
  document.addEventListener('click', function (ev) {
    var th = ev.target.closest && ev.target.closest('table.sortable th');
    if (!th) return;
    var table = th.closest('table');
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var body = table.tBodies[0];
    var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a.cells[index]);
      var y = value(b.cells[index]);
      if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir;
      return String(x).localeCompare(String(y)) * dir;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
})();
