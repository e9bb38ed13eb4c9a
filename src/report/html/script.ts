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
  var select = {
    criterion: document.getElementById('f-criterion'),
    severity: document.getElementById('f-severity'),
    scanner: document.getElementById('f-scanner'),
    status: document.getElementById('f-status')
  };

  function apply() {
    var c = select.criterion.value, sev = select.severity.value, sc = select.scanner.value, st = select.status.value;
    var shown = 0;
    rows.forEach(function (tr) {
      var d = data.rows[Number(tr.getAttribute('data-index'))];
      var ok = (!c || d.criteria.indexOf(c) >= 0) && (!sev || d.severity === sev) &&
        (!sc || d.scanner === sc) && (!st || d.status === st);
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
