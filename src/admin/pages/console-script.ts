/**
 * The console's only script, served from the hub's own origin (`script-src 'self'`, no
 * inline script). Plain browser JavaScript: the console is a few forms and one poll.
 */
export const CONSOLE_SCRIPT = `'use strict';
(function () {
  var root = document.getElementById('console');
  if (!root) return;
  var csrf = root.dataset.csrf;

  function call(method, url, body) {
    var headers = { accept: 'application/json', 'x-csrf-token': csrf };
    var init = { method: method, headers: headers, credentials: 'same-origin' };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (response) {
      if (response.status === 204) return {};
      return response.json().then(function (json) {
        if (!response.ok) throw new Error(json.message || json.error || response.statusText);
        return json;
      });
    });
  }

  var upload = document.getElementById('upload');
  if (upload) {
    var statuses = JSON.parse(upload.dataset.statuses);
    var form = document.getElementById('upload-form');
    var input = document.getElementById('file');
    var drop = document.getElementById('drop');
    var statusLine = document.getElementById('upload-status');
    var errorLine = document.getElementById('upload-error');
    var result = document.getElementById('upload-result');
    var report = document.getElementById('upload-report');

    drop.addEventListener('dragover', function (event) {
      event.preventDefault();
      drop.classList.add('over');
    });
    drop.addEventListener('dragleave', function () {
      drop.classList.remove('over');
    });
    drop.addEventListener('drop', function (event) {
      event.preventDefault();
      drop.classList.remove('over');
      if (event.dataTransfer.files.length) input.files = event.dataTransfer.files;
      drop.textContent = input.files.length ? input.files[0].name : drop.textContent;
    });
    input.addEventListener('change', function () {
      if (input.files.length) drop.textContent = input.files[0].name;
    });

    function show(submission, recognised) {
      upload.dataset.state = submission.status;
      statusLine.textContent =
        (statuses[submission.status] || submission.status) +
        (recognised ? ' · ' + upload.dataset.recognised : '') +
        (submission.status === 'processing' ? ' · ' + submission.progressRows : '');
      result.hidden = false;
      Object.keys(submission.counts).forEach(function (name) {
        var cell = result.querySelector('[data-count="' + name + '"]');
        if (cell) cell.textContent = String(submission.counts[name]);
      });
      errorLine.hidden = !submission.error;
      if (submission.error) {
        var zh = root.dataset.locale === 'zh-CN' && submission.error.messageZh;
        errorLine.textContent = zh || submission.error.message;
      }
      report.hidden = !(submission.counts.rejected + submission.counts.unmatched);
      report.href = submission.links.report;
    }

    function poll(url) {
      call('GET', url).then(function (submission) {
        show(submission, false);
        if (submission.status === 'queued' || submission.status === 'processing') {
          setTimeout(function () { poll(url); }, 1000);
        }
      }).catch(function (error) {
        errorLine.hidden = false;
        errorLine.textContent = error.message;
      });
    }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (!input.files.length) return;
      var body = new FormData();
      body.append('file', input.files[0]);
      statusLine.textContent = upload.dataset.uploading;
      errorLine.hidden = true;
      result.hidden = true;
      upload.dataset.state = 'uploading';
      call('POST', upload.dataset.url, body).then(function (submission) {
        show(submission, submission.recognised);
        if (!submission.recognised) poll(submission.links.self);
      }).catch(function (error) {
        upload.dataset.state = 'error';
        statusLine.textContent = '';
        errorLine.hidden = false;
        errorLine.textContent = error.message;
      });
    });
  }

  var institutionForm = document.getElementById('institution-form');
  if (institutionForm) {
    var message = document.getElementById('form-message');
    institutionForm.addEventListener('submit', function (event) {
      event.preventDefault();
      var data = new FormData(institutionForm);
      call('POST', '/api/admin/institutions', {
        kind: data.get('kind'), code: data.get('code'), name: data.get('name'),
      }).then(function () { location.reload(); }).catch(function (error) {
        message.textContent = error.message;
      });
    });
    document.querySelectorAll('.operator-form').forEach(function (operatorForm) {
      operatorForm.addEventListener('submit', function (event) {
        event.preventDefault();
        var url = '/api/admin/institutions/' + encodeURIComponent(operatorForm.dataset.code) +
          '/operators';
        call('POST', url, { phone: new FormData(operatorForm).get('phone') })
          .then(function () { location.reload(); })
          .catch(function (error) { message.textContent = error.message; });
      });
    });
  }

  document.querySelectorAll('.resolve-form').forEach(function (resolveForm) {
    var outcome = resolveForm.querySelector('.outcome');
    resolveForm.querySelector('.find-account').addEventListener('click', function () {
      var phone = resolveForm.elements.phone.value;
      call('GET', '/api/admin/accounts?phone=' + encodeURIComponent(phone)).then(function (found) {
        var account = found.accounts[0];
        resolveForm.elements.accountId.value = account ? account.id : '';
        outcome.textContent = account ? (account.name || account.id) : '—';
      }).catch(function (error) { outcome.textContent = error.message; });
    });
    resolveForm.addEventListener('submit', function (event) {
      event.preventDefault();
      var url = '/api/admin/unmatched/' + resolveForm.dataset.id + '/resolve';
      call('POST', url, {
        accountId: resolveForm.elements.accountId.value,
        linkIdentity: resolveForm.elements.linkIdentity.checked,
      }).then(function (resolution) {
        outcome.textContent = resolution.outcome;
        resolveForm.querySelector('button[type=submit]').disabled = true;
      }).catch(function (error) { outcome.textContent = error.message; });
    });
  });
})();
`;
