// A sign-in link carries the token after '#' (`/sign-in#token=shk_…`): the fragment never reaches
// the server or its logs. This fills the form from it, forgets it from the address bar and signs in.
(function () {
  'use strict';
  var match = /^#token=([A-Za-z0-9_\-]+)$/.exec(window.location.hash);
  var form = document.getElementById('sign-in');
  if (!match || !form) return;
  history.replaceState(null, '', window.location.pathname + window.location.search);
  form.querySelector('input[name="token"]').value = match[1];
  form.submit();
})();
