/**
 * The report's only script: filters the findings table. It reads its data from the JSON block
 * (`#report-data`) with JSON.parse; no report string is ever part of the script's source. Its SHA-256
 * goes into the Content-Security-Policy, so no other inline script can run.
 */
export const SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var rows = Array.prototype.slice.call(document.querySelectorAll('#findings-table tbody tr[data-index]'));
  var cells = Array.prototype.slice.call(document.querySelectorAll('.cell[data-criterion]'));
  var count = document.getElementById('shown-count');
  var empty = document.getElementById('no-match');
  // The change filter (new / existing) exists only when the scan was compared with a base.
  var select = {};
  ['criterion', 'severity', 'scanner', 'status', 'state'].forEach(function (k) {
    var el = document.getElementById('f-' + k);
    if (el) select[k] = el;
  });

  function matches(d, k, value) {
    return k === 'criterion' ? d.criteria.indexOf(value) >= 0 : d[k] === value;
  }

  function apply() {
    var c = select.criterion.value;
    var shown = 0;
    rows.forEach(function (tr) {
      var d = data.rows[Number(tr.getAttribute('data-index'))];
      var ok = Object.keys(select).every(function (k) {
        return !select[k].value || matches(d, k, select[k].value);
      });
      tr.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = 'Showing ' + shown + ' of ' + rows.length + ' findings';
    count.setAttribute('data-shown', String(shown));
    empty.hidden = shown !== 0;
    cells.forEach(function (a) {
      var on = a.getAttribute('data-criterion') === c;
      a.classList.toggle('selected', on);
      if (on) a.setAttribute('aria-current', 'true'); else a.removeAttribute('aria-current');
    });
  }

  Object.keys(select).forEach(function (k) { select[k].addEventListener('change', apply); });
  document.getElementById('f-reset').addEventListener('click', function () {
    Object.keys(select).forEach(function (k) { select[k].value = ''; });
    apply();
  });
  // The cell's href (#findings) still scrolls to the table; the filter is set first.
  cells.forEach(function (a) {
    a.addEventListener('click', function () {
      select.criterion.value = a.getAttribute('data-criterion');
      apply();
    });
  });
  apply();
})();
`;
