// Page actions that write through the JSON API (cancel a run or a case, record a manual check, link
// a known issue): the signed-in session's cookie goes along by itself; the CSRF token of the page
// (its <meta name="csrf-token">) goes in the X-CSRF-Token header. Files are sent as base64 evidence.
// The outcome is written into the form's status line, a live region, so screen readers hear it.
(function () {
  'use strict';
  function readFile(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        resolve({
          name: file.name,
          mediaType: file.type || undefined,
          contentBase64: String(reader.result).split(',')[1] || '',
        });
      };
      reader.onerror = function () {
        reject(new Error('cannot read ' + file.name));
      };
      reader.readAsDataURL(file);
    });
  }
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!form.matches || !form.matches('form.api-action')) return;
    ev.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    var status = form.querySelector('.form-status');
    if (status) status.textContent = 'sending…';
    var body = {};
    var files = [];
    form.querySelectorAll('[name]').forEach(function (el) {
      if (el.name === '_csrf') return;
      if (el.type === 'file') {
        Array.prototype.forEach.call(el.files, function (f) {
          files.push(f);
        });
        return;
      }
      if (el.value !== '') body[el.name] = el.value;
    });
    Promise.all(files.map(readFile))
      .then(function (evidence) {
        if (evidence.length) body.evidence = evidence;
        return fetch(form.dataset.url, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken() },
          body: JSON.stringify(body),
        });
      })
      .then(function (res) {
        return res.json().then(function (data) {
          if (!res.ok) throw new Error(data.message || String(res.status));
          if (status) status.textContent = 'done';
          window.location.reload();
        });
      })
      .catch(function (err) {
        if (status) status.textContent = 'refused: ' + err.message;
      });
  });
})();
