// Page actions that write (cancel a run or a case, record a manual check): the API wants a tester's
// token (Authorization: Bearer), which a plain form cannot send, so these forms post JSON with the
// token the tester types (kept for this tab only). Files are sent as base64 evidence.
(function () {
  'use strict';
  function readFile(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve({ name: file.name, mediaType: file.type || undefined, contentBase64: String(reader.result).split(',')[1] || '' }); };
      reader.onerror = function () { reject(new Error('cannot read ' + file.name)); };
      reader.readAsDataURL(file);
    });
  }
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!form.matches || !form.matches('form.api-action')) return;
    ev.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    var tokenField = form.querySelector('input[name="token"]');
    var token = (tokenField && tokenField.value) || sessionStorage.getItem('shakedown-token') || '';
    if (tokenField && tokenField.value) sessionStorage.setItem('shakedown-token', tokenField.value);
    var status = form.querySelector('.form-status');
    var body = {};
    var files = [];
    form.querySelectorAll('[name]').forEach(function (el) {
      if (el.name === 'token') return;
      if (el.type === 'file') { Array.prototype.forEach.call(el.files, function (f) { files.push(f); }); return; }
      if (el.value !== '') body[el.name] = el.value;
    });
    Promise.all(files.map(readFile))
      .then(function (evidence) {
        if (evidence.length) body.evidence = evidence;
        return fetch(form.dataset.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
          body: JSON.stringify(body),
        });
      })
      .then(function (res) {
        return res.json().then(function (data) {
          if (!res.ok) throw new Error(data.message || String(res.status));
          window.location.reload();
        });
      })
      .catch(function (err) { if (status) status.textContent = 'refused: ' + err.message; });
  });
})();
