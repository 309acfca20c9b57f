// The "link to a known issue" forms: the API wants a tester's token (Authorization: Bearer), which a
// plain form cannot send, so the form posts JSON with the token the tester types (kept for this tab).
(function () {
  'use strict';
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!form.matches || !form.matches('form.known-issue')) return;
    ev.preventDefault();
    var tokenField = form.querySelector('input[name="token"]');
    var token = (tokenField && tokenField.value) || sessionStorage.getItem('shakedown-token') || '';
    if (tokenField && tokenField.value) sessionStorage.setItem('shakedown-token', tokenField.value);
    var status = form.querySelector('.form-status');
    var body = {
      signature: form.querySelector('input[name="signature"]').value,
      url: form.querySelector('input[name="url"]').value,
      note: form.querySelector('input[name="note"]').value,
    };
    fetch('/api/v1/known-issues', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
      body: JSON.stringify(body),
    })
      .then(function (res) {
        return res.json().then(function (data) {
          if (!res.ok) throw new Error(data.message || String(res.status));
          window.location.reload();
        });
      })
      .catch(function (err) { if (status) status.textContent = 'not linked: ' + err.message; });
  });
})();
