/*
 * The longvqa web page: upload a video, follow its job, read the report's pieces, ask follow-up
 * questions. Plain JavaScript against the API of docs/openapi.yaml; every API URL is relative, so
 * the same files work wherever the API serves them (API Gateway stage, `longvqa local up`).
 *
 * Views (hash routes): "#/" upload + job list; "#/jobs/{jobId}" one job.
 */
(function () {
  'use strict';

  var R = window.LongVqaReport, el = R.el;
  var POLL_MS = 1500;
  var TERMINAL = { SUCCEEDED: true, FAILED: true };
  var STAGE_NAMES = {
    register: 'Registered', plan: 'Checked the file', decode: 'Decoded frames', segment: 'Found scenes',
    reason: 'Summarised segments', answer: 'Answered'
  };

  // ---------- API ----------

  /** An API error in plain words: {type, message, status} from the body, or a network/HTTP fault. */
  function ApiError(type, message, httpStatus, jobStatus) {
    this.type = type;
    this.message = message;
    this.httpStatus = httpStatus;
    this.jobStatus = jobStatus;
  }

  function api(method, path, body) {
    var init = { method: method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (res) {
      return res.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (notJson) { json = null; }
        if (res.ok) return json;
        var e = json && json.error;
        if (e && e.type) throw new ApiError(e.type, e.message || '', res.status, e.status);
        // Not the API's own error body: API Gateway answers {"message": "Forbidden"} and the like.
        var words = json && typeof json.message === 'string' ? json.message : (json ? '' : text.slice(0, 200));
        if (res.status === 429) throw new ApiError('THROTTLED', words, res.status);
        if (res.status === 401 || res.status === 403) throw new ApiError('DENIED', words, res.status);
        throw new ApiError('HTTP_' + res.status, words, res.status);
      });
    }, function () {
      throw new ApiError('NETWORK', '', 0);
    });
  }

  var JOB_ERRORS = {
    NOT_FOUND: 'the uploaded file could not be found',
    EMPTY: 'the file is empty',
    NOT_A_VIDEO: 'the file is not a video this service can read',
    NO_VIDEO_STREAM: 'the file has no video track',
    TRUNCATED: 'the file is cut short (truncated)',
    TOO_LONG: 'the video is longer than this service accepts',
    TOO_LARGE: 'the file is larger than this service accepts',
    BAD_QUESTION: 'a question was empty or too long',
    MODEL_UNAVAILABLE: 'no language model was available to answer',
    TRANSIENT: 'a temporary fault (trying again may work)',
    THROTTLED: 'the service was too busy',
    INTERNAL: 'an internal error'
  };

  /** What went wrong, for a person: never a stack trace, never raw JSON. */
  function explain(err, what) {
    if (!(err instanceof ApiError)) return (what ? what + ': ' : '') + 'something unexpected happened in the page (' + String(err) + ').';
    var detail = err.message ? ' (' + err.message + ')' : '';
    var prefix = what ? what + ': ' : '';
    switch (err.type) {
      case 'NETWORK': return prefix + 'the server could not be reached. Check that it is running and try again.';
      case 'BAD_QUESTION': return prefix + 'that question cannot be asked' + detail + '. A question must not be empty and at most 2000 characters.';
      case 'BAD_REQUEST': return prefix + 'the request was not accepted' + detail + '.';
      case 'TOO_LARGE': return prefix + 'the file is too large' + detail + '.';
      case 'NOT_FOUND': return prefix + 'not found: no such job for you' + detail + '.';
      case 'NOT_READY': return prefix + 'the video is not processed yet' + (err.jobStatus ? ' (it is ' + err.jobStatus.toLowerCase() + ')' : '') + '. Ask again once it has finished.';
      case 'THROTTLED': return prefix + 'too many requests right now. Wait a moment and try again.';
      case 'INTERNAL': return prefix + 'the server had a problem' + detail + '. Try again later.';
      case 'UPLOAD': return prefix + 'the upload to storage failed' + detail + '.';
      case 'DENIED': return prefix + 'you are not signed in, or not allowed to do this (HTTP ' + err.httpStatus + ')' + detail + '.';
      default: return prefix + 'the server answered HTTP ' + err.httpStatus + detail + '.';
    }
  }

  function showError(text) {
    document.getElementById('error-text').textContent = text;
    document.getElementById('error').hidden = false;
  }

  function clearError() {
    document.getElementById('error').hidden = true;
  }

  // ---------- upload ----------

  /** PUT a blob with progress; resolves with the response's ETag. */
  function put(url, blob, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open('PUT', url);
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) onProgress(e.loaded); };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress(blob.size);
          resolve(xhr.getResponseHeader('ETag'));
        } else {
          // Storage answers XML (<Error><Code>..</Code><Message>..</Message></Error>): keep its words.
          var msg = 'HTTP ' + xhr.status;
          var doc = xhr.responseXML || (xhr.responseText ? new DOMParser().parseFromString(xhr.responseText, 'application/xml') : null);
          var m = doc && doc.getElementsByTagName('Message')[0];
          if (m && m.textContent) msg += ': ' + m.textContent;
          reject(new ApiError('UPLOAD', msg, xhr.status));
        }
      };
      xhr.onerror = function () { reject(new ApiError('UPLOAD', 'the storage URL could not be reached', 0)); };
      xhr.send(blob);
    });
  }

  function relative(path) {
    // A path the API gives as "/videos/..." must stay under the page's own base (an API stage, say).
    return String(path).replace(/^\/+/, '');
  }

  function upload(file, questions, onProgress) {
    var req = { fileName: file.name, sizeBytes: file.size, contentType: file.type || 'video/mp4' };
    if (questions.length) req.questions = questions;
    return api('POST', 'videos', req).then(function (up) {
      if (up.url) return put(up.url, file, function (n) { onProgress(n / file.size); }).then(function () { return up; });
      if (!up.parts || !up.parts.length) throw new ApiError('BAD_REQUEST', 'the API gave no upload URL', 0);
      var size = up.partSizeBytes, done = {};
      function progress() {
        var sum = 0;
        for (var k in done) sum += done[k];
        onProgress(sum / file.size);
      }
      // Parts in sequence: one request at a time keeps the progress honest and the memory flat.
      var chain = Promise.resolve();
      up.parts.forEach(function (p) {
        chain = chain.then(function () {
          var from = (p.partNumber - 1) * size;
          return put(p.url, file.slice(from, Math.min(file.size, from + size)), function (n) { done[p.partNumber] = n; progress(); });
        });
      });
      return chain.then(function () {
        return api('POST', relative(up.completePath || ('videos/' + up.jobId + '/complete')), { key: up.key, uploadId: up.uploadId });
      }).then(function () { return up; });
    });
  }

  function setupUpload() {
    var form = document.getElementById('upload-form'), input = document.getElementById('file');
    var button = document.getElementById('upload-button'), status = document.getElementById('upload-status');
    var bar = document.getElementById('upload-progress'), wrap = document.getElementById('upload-progress-wrap');
    var percent = document.getElementById('upload-percent');
    input.addEventListener('change', function () {
      button.disabled = !input.files.length;
      status.textContent = input.files.length ? input.files[0].name + ' · ' + size(input.files[0].size) : '';
      wrap.hidden = true; // the bar of an earlier upload does not belong to this file
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      if (!input.files.length) return;
      clearError();
      var file = input.files[0];
      var questions = document.getElementById('upload-questions').value.split('\n')
        .map(function (q) { return q.trim(); }).filter(function (q) { return q.length > 0; });
      button.disabled = true;
      input.disabled = true;
      wrap.hidden = false;
      bar.value = 0;
      percent.textContent = '0 %';
      status.textContent = 'Uploading ' + file.name + '…';
      upload(file, questions, function (f) {
        bar.value = Math.min(1, f);
        percent.textContent = Math.floor(Math.min(1, f) * 100) + ' %';
      }).then(function (up) {
        status.textContent = 'Uploaded ' + file.name + '.';
        form.reset();
        pendingJobs[up.jobId] = { jobId: up.jobId, fileName: file.name, status: 'UPLOADED' };
        location.hash = '#/jobs/' + up.jobId;
      }, function (err) {
        status.textContent = 'Upload failed.';
        showError(explain(err, 'Upload of ' + file.name));
      }).then(function () {
        input.disabled = false;
        button.disabled = !input.files.length;
      });
    });
  }

  function size(n) {
    if (n < 1024) return n + ' B';
    if (n < 1048576) return (n / 1024).toFixed(1) + ' KiB';
    if (n < 1073741824) return (n / 1048576).toFixed(1) + ' MiB';
    return (n / 1073741824).toFixed(2) + ' GiB';
  }

  // ---------- job list ----------

  /** Uploaded in this page but not registered yet (the API answers 404 for a few seconds). */
  var pendingJobs = {};
  var listTimer = null, listNext = null, listed = [], loadedMore = false;

  function stageFraction(job) {
    var order = ['RECEIVED', 'DECODING', 'SEGMENTING', 'REASONING', 'ANSWERING', 'SUCCEEDED'];
    var i = order.indexOf(job.status);
    return job.status === 'SUCCEEDED' ? 1 : i < 0 ? 0 : i / (order.length - 1);
  }

  function statusWords(status) {
    return {
      UPLOADED: 'uploaded, waiting to start', RECEIVED: 'received', DECODING: 'decoding frames',
      SEGMENTING: 'finding scenes', REASONING: 'summarising segments', ANSWERING: 'answering',
      SUCCEEDED: 'done', FAILED: 'failed'
    }[status] || String(status).toLowerCase();
  }

  function renderJobs() {
    var list = document.getElementById('job-list');
    var seen = {};
    listed.forEach(function (j) { seen[j.jobId] = true; delete pendingJobs[j.jobId]; });
    var all = Object.keys(pendingJobs).map(function (k) { return pendingJobs[k]; }).concat(listed);
    list.replaceChildren();
    all.forEach(function (j) {
      var li = el('li', { 'class': 'job status-' + String(j.status).toLowerCase(), 'data-job-id': j.jobId, 'data-status': j.status });
      var a = el('a', { href: '#/jobs/' + j.jobId, 'class': 'job-name' }, j.fileName || j.jobId);
      li.appendChild(a);
      li.appendChild(el('span', { 'class': 'badge' }, statusWords(j.status)));
      var p = el('progress', { max: 1, value: stageFraction(j), 'aria-label': 'progress of ' + (j.fileName || j.jobId) });
      li.appendChild(p);
      var bits = [];
      if (j.stage && !TERMINAL[j.status]) bits.push('stage: ' + j.stage);
      if (j.errorType) bits.push(JOB_ERRORS[j.errorType] || j.errorType);
      if (j.updatedAt || j.createdAt) bits.push(when(j.updatedAt || j.createdAt));
      var meta = el('span', { 'class': 'meta' }, bits.join(' · '));
      li.appendChild(meta);
      list.appendChild(li);
    });
    list.dataset.loaded = 'true';
    document.getElementById('jobs-empty').hidden = all.length > 0;
    document.getElementById('jobs-more').hidden = !listNext;
  }

  function when(iso) {
    var d = new Date(iso);
    return isNaN(d) ? '' : d.toLocaleString();
  }

  function loadJobs(more) {
    var path = 'jobs?limit=20' + (more && listNext ? '&next=' + encodeURIComponent(listNext) : '');
    return api('GET', path).then(function (page) {
      var jobs = page.jobs || [];
      if (more) {
        var have = {};
        listed.forEach(function (j) { have[j.jobId] = true; });
        listed = listed.concat(jobs.filter(function (j) { return !have[j.jobId]; }));
        listNext = page.next || null;
        loadedMore = true;
      } else {
        // A refresh replaces the first page and keeps the later pages the user already loaded.
        var fresh = {};
        jobs.forEach(function (j) { fresh[j.jobId] = true; });
        listed = jobs.concat(listed.slice(jobs.length).filter(function (j) { return !fresh[j.jobId]; }));
        if (!loadedMore) listNext = page.next || null;
      }
      renderJobs();
    });
  }

  function pollJobs() {
    clearTimeout(listTimer);
    if (route().view !== 'home') return;
    loadJobs(false).then(function () {
      var busy = Object.keys(pendingJobs).length > 0 || listed.some(function (j) { return !TERMINAL[j.status]; });
      listTimer = setTimeout(pollJobs, busy ? POLL_MS : POLL_MS * 4);
    }, function (err) {
      showError(explain(err, 'Loading your jobs'));
      listTimer = setTimeout(pollJobs, POLL_MS * 4);
    });
  }

  // ---------- one job ----------

  var current = null; // { id, timer, job, detailFor, answers: {qid: AnswerView}, order: [qid] }

  function showJob(id) {
    if (current && current.id === id) return;
    stopJob();
    current = { id: id, timer: null, job: null, detailFor: '', answers: {}, order: [], answerTimer: null, waitedSince: Date.now() };
    document.getElementById('job-title').textContent = (pendingJobs[id] && pendingJobs[id].fileName) || 'Job';
    document.getElementById('job-id').textContent = 'job ' + id;
    document.getElementById('job-report').replaceChildren();
    document.getElementById('job-status').textContent = 'Loading…';
    document.getElementById('job-stages').replaceChildren();
    document.getElementById('job-failure').hidden = true;
    document.getElementById('job-costs').hidden = true;
    document.getElementById('answers').replaceChildren();
    ['job-scenes', 'job-curve', 'job-segments'].forEach(function (s) { document.getElementById(s).hidden = true; });
    setAskEnabled(false, 'You can ask once the video has been processed.');
    pollJob();
  }

  function stopJob() {
    if (!current) return;
    clearTimeout(current.timer);
    clearTimeout(current.answerTimer);
    current = null;
  }

  function pollJob() {
    var c = current;
    api('GET', 'jobs/' + encodeURIComponent(c.id)).then(function (job) {
      if (current !== c) return;
      c.job = job;
      renderJob(job);
      if (!TERMINAL[job.status]) c.timer = setTimeout(pollJob, POLL_MS);
    }, function (err) {
      if (current !== c) return;
      // Right after an upload the job is not registered yet: 404 for a few seconds is expected.
      if (err.type === 'NOT_FOUND' && pendingJobs[c.id] && Date.now() - c.waitedSince < 180000) {
        document.getElementById('job-status').textContent = 'Uploaded; waiting for the job to start…';
        c.timer = setTimeout(pollJob, POLL_MS);
        return;
      }
      if (err.type === 'NOT_FOUND') {
        document.getElementById('job-status').textContent = 'This job does not exist, or it is not yours.';
        showError(explain(err, 'Opening the job'));
        return;
      }
      showError(explain(err, 'Refreshing the job'));
      c.timer = setTimeout(pollJob, POLL_MS * 4);
    });
  }

  function renderJob(job) {
    var c = current;
    if (job.fileName) document.getElementById('job-title').textContent = job.fileName;
    var st = document.getElementById('job-status');
    st.replaceChildren(el('span', { 'class': 'badge status-' + job.status.toLowerCase(), id: 'job-state', 'data-status': job.status },
      statusWords(job.status)));
    if (job.durationSec) st.appendChild(el('span', { 'class': 'meta' }, ' ' + R.clock(job.durationSec) + ' of video'));
    if (job.scenes && job.scenes.count != null) st.appendChild(el('span', { 'class': 'meta' }, ' · ' + job.scenes.count + ' scenes'));

    var stages = document.getElementById('job-stages');
    stages.replaceChildren();
    (job.progress || []).forEach(function (p) {
      var li = el('li', { 'class': 'stage ' + p.state.toLowerCase(), 'data-stage': p.stage, 'data-state': p.state });
      li.appendChild(el('span', { 'class': 'dot', 'aria-hidden': 'true' }));
      li.appendChild(el('span', { 'class': 'name' }, STAGE_NAMES[p.stage] || p.stage));
      if (p.millis != null) li.appendChild(el('span', { 'class': 'meta' }, ' ' + ms(p.millis)));
      stages.appendChild(li);
    });

    var fail = document.getElementById('job-failure');
    if (job.status === 'FAILED' && job.error) {
      fail.textContent = 'Processing failed: ' + (JOB_ERRORS[job.error.type] || job.error.type) + '. ' + (job.error.message || '');
      fail.hidden = false;
    } else {
      fail.hidden = true;
    }
    renderCosts(job.costs);

    (job.questions || []).forEach(function (a) { remember(a); });
    renderAnswers();
    if (job.status === 'SUCCEEDED') setAskEnabled(true, '');
    else if (job.status === 'FAILED') setAskEnabled(false, 'This video could not be processed, so no questions can be asked about it.');
    else setAskEnabled(false, 'You can ask once the video has been processed.');

    // The report's pieces: once scenes exist, and again when segment summaries may have appeared.
    var done = {};
    (job.progress || []).forEach(function (p) { done[p.stage] = p.state === 'DONE'; });
    var want = done.segment ? (done.reason || TERMINAL[job.status] ? 'final' : 'scenes') : '';
    if (want && c.detailFor !== want) {
      c.detailFor = want;
      api('GET', 'jobs/' + encodeURIComponent(c.id) + '/scenes').then(function (d) {
        if (current === c) renderDetail(d);
      }, function (err) {
        if (current !== c) return;
        if (err.type !== 'NOT_READY') showError(explain(err, 'Loading the scenes'));
        c.detailFor = '';
      });
    }
    if (job.status === 'SUCCEEDED' && !c.reportAsked) {
      c.reportAsked = true;
      api('GET', 'jobs/' + encodeURIComponent(c.id) + '/report').then(function (link) {
        if (current !== c || !link || !link.url) return;
        document.getElementById('job-report').replaceChildren(
          el('a', { href: link.url, target: '_blank', rel: 'noopener', id: 'report-link' }, 'Open the full report'));
      }, function () { /* no report stored: nothing to link */ });
    }
  }

  function ms(n) {
    if (n < 1000) return n + ' ms';
    if (n < 60000) return (n / 1000).toFixed(1) + ' s';
    return Math.floor(n / 60000) + ' min ' + Math.round((n % 60000) / 1000) + ' s';
  }

  function renderCosts(costs) {
    var t = document.getElementById('job-costs');
    if (!costs) { t.hidden = true; return; }
    t.replaceChildren();
    function row(k, v) {
      var tr = el('tr', {});
      tr.appendChild(el('th', {}, k));
      tr.appendChild(el('td', {}, v));
      t.appendChild(tr);
    }
    row('prompt tokens', String(costs.promptTokens || 0));
    row('completion tokens', String(costs.completionTokens || 0));
    if (costs.visualTokens) row('visual tokens', String(costs.visualTokens));
    var tm = costs.timingsMs || {};
    Object.keys(tm).forEach(function (k) { row(k, ms(tm[k])); });
    t.hidden = false;
  }

  var resizeTimer = null;
  function renderDetail(d) {
    current.detail = d;
    R.strip(document.getElementById('strip'), d.scenes || []);
    document.getElementById('job-scenes').hidden = !(d.scenes && d.scenes.length);
    drawChart();
    R.segments(document.getElementById('segments'), d.segments || []);
    document.getElementById('job-segments').hidden = !(d.segments && d.segments.length);
  }

  function drawChart() {
    if (!current || !current.detail) return;
    var box = document.getElementById('curve'), section = document.getElementById('job-curve');
    section.hidden = !(current.detail.curve && current.detail.curve.length);
    if (section.hidden) return;
    R.chart(box, current.detail, box.clientWidth);
  }

  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(drawChart, 100);
  });

  // ---------- questions ----------

  function remember(a) {
    if (!current.answers[a.questionId]) current.order.push(a.questionId);
    current.answers[a.questionId] = a;
  }

  function renderAnswers() {
    var box = document.getElementById('answers');
    box.replaceChildren();
    // Newest first: the question just asked is next to the box it was typed in.
    current.order.slice().reverse().forEach(function (qid) {
      var a = current.answers[qid];
      var art = el('article', { 'class': 'qa ' + a.state.toLowerCase(), 'data-question-id': qid, 'data-state': a.state });
      art.appendChild(el('p', { 'class': 'question' }, a.question));
      if (a.state === 'ANSWERED') art.appendChild(el('p', { 'class': 'answer' }, a.answer || ''));
      else if (a.state === 'FAILED') art.appendChild(el('p', { 'class': 'answer failed' },
        'No answer: ' + (a.error ? (JOB_ERRORS[a.error.type] || a.error.type) + (a.error.message ? ' (' + a.error.message + ')' : '') : 'the answer pass failed') + '.'));
      else art.appendChild(el('p', { 'class': 'answer pending' }, 'Thinking…'));
      if (a.model) art.appendChild(el('p', { 'class': 'meta' }, 'model ' + a.model));
      box.appendChild(art);
    });
  }

  function setAskEnabled(on, why) {
    document.getElementById('question').disabled = !on;
    document.getElementById('ask-button').disabled = !on;
    var s = document.getElementById('ask-status');
    if (!on || s.dataset.reason === 'why') {
      s.textContent = why;
      s.dataset.reason = 'why';
    }
  }

  function pollAnswers() {
    var c = current;
    clearTimeout(c.answerTimer);
    var pending = c.order.filter(function (q) { return c.answers[q].state === 'PENDING'; });
    if (!pending.length) return;
    Promise.all(pending.map(function (qid) {
      return api('GET', 'jobs/' + encodeURIComponent(c.id) + '/answers/' + encodeURIComponent(qid)).then(function (a) {
        if (current === c) remember(a);
      });
    })).then(function () {
      if (current !== c) return;
      renderAnswers();
      c.answerTimer = setTimeout(pollAnswers, POLL_MS);
    }, function (err) {
      if (current !== c) return;
      showError(explain(err, 'Reading the answer'));
      c.answerTimer = setTimeout(pollAnswers, POLL_MS * 4);
    });
  }

  function setupAsk() {
    var form = document.getElementById('ask-form'), box = document.getElementById('question');
    var status = document.getElementById('ask-status');
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var c = current;
      if (!c) return;
      clearError();
      var q = box.value;
      document.getElementById('ask-button').disabled = true;
      status.dataset.reason = 'ask';
      status.textContent = 'Asking…';
      api('POST', 'jobs/' + encodeURIComponent(c.id) + '/questions', { questions: [q] }).then(function (acc) {
        if (current !== c) return;
        (acc.questions || []).forEach(function (r) { remember({ questionId: r.id, question: r.text, state: 'PENDING' }); });
        renderAnswers();
        box.value = '';
        status.textContent = 'Asked. The answer appears below.';
        pollAnswers();
      }, function (err) {
        status.textContent = '';
        showError(explain(err, 'Your question'));
      }).then(function () {
        if (current === c && c.job && c.job.status === 'SUCCEEDED') document.getElementById('ask-button').disabled = false;
      });
    });
  }

  // ---------- routing ----------

  function route() {
    var m = /^#\/jobs\/([0-9A-Za-z]+)$/.exec(location.hash);
    return m ? { view: 'job', id: m[1] } : { view: 'home' };
  }

  function go() {
    var r = route();
    document.getElementById('home-view').hidden = r.view !== 'home';
    document.getElementById('job-view').hidden = r.view !== 'job';
    if (r.view === 'job') {
      clearTimeout(listTimer);
      showJob(r.id);
    } else {
      stopJob();
      pollJobs();
    }
    window.scrollTo(0, 0);
  }

  document.getElementById('error-close').addEventListener('click', clearError);
  document.getElementById('jobs-refresh').addEventListener('click', function () { clearError(); pollJobs(); });
  document.getElementById('jobs-more').addEventListener('click', function () {
    loadJobs(true).catch(function (err) { showError(explain(err, 'Loading more jobs')); });
  });
  setupUpload();
  setupAsk();
  window.addEventListener('hashchange', go);
  go();
})();
