// Pipeline status page. Plain ES2020, no dependencies, works offline.
// Data: GET api/system/pipeline_status (status documents), GET api/system/jobs (schedules, phase weights),
// api/system/events (Server-Sent Events, one status document per change). When the stream fails the page
// polls the status endpoint every 2 s until the stream is back. All text goes through textContent.
(() => {
  'use strict';

  const API = {
    status: 'api/system/pipeline_status',
    jobs: 'api/system/jobs',
    events: 'api/system/events',
  };
  const POLL_MS = 2000;
  const STREAM_RETRY_MS = 10000;
  const JOBS_REFRESH_MS = 60000;
  const TICK_MS = 1000;
  const DASH = '—';

  /** pipeline name → {doc, receivedAt}; the latest status document of each pipeline. */
  const statuses = new Map();
  /** pipeline name → job description from api/system/jobs. */
  const jobs = new Map();
  /** pipeline name → card element. */
  const cards = new Map();

  let source = null;
  let pollTimer = null;
  let streamRetryTimer = null;
  let statusLoaded = false; // the status endpoint or the stream answered at least once
  let rendered = false;
  let overlayMinimised = false;
  let overlayRunKey = null;

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- data helpers

  const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const str = (v) => (typeof v === 'string' && v.length > 0 ? v : null);
  const clamp01 = (v) => Math.min(1, Math.max(0, v));

  function parseTime(v) {
    const s = str(v);
    if (s === null) return null;
    const t = Date.parse(s);
    return Number.isNaN(t) ? null : t;
  }

  /** The current phase's fraction (0..1) from progress.fraction, else done/total, else null. */
  function phaseFraction(doc) {
    const p = doc.progress;
    if (p === null || typeof p !== 'object') return null;
    const f = num(p.fraction);
    if (f !== null) return clamp01(f);
    const done = num(p.done);
    const total = num(p.total);
    if (done !== null && total !== null && total > 0) return clamp01(done / total);
    return null;
  }

  /**
   * Overall progress 0..1, weighted by phase: the weights of the finished phases plus the current phase's
   * weight times its fraction. Weights come from the job (normalised); without any, every phase weighs the same.
   */
  function overallProgress(doc, job) {
    const state = doc.state;
    if (state === 'succeeded' || state === 'skipped') return 1;
    const index = num(doc.phaseIndex);
    if (index === null || index < 1) return 0;
    const fraction = phaseFraction(doc) ?? 0;

    const weights = job && Array.isArray(job.phaseWeights)
      ? job.phaseWeights.filter((w) => w && num(w.weight) !== null && w.weight >= 0)
      : [];
    const sum = weights.reduce((a, w) => a + w.weight, 0);
    if (weights.length === 0 || sum <= 0) {
      const count = Math.max(num(doc.phaseCount) ?? index, index);
      return clamp01((index - 1 + fraction) / count);
    }
    let position = weights.findIndex((w) => w.phase === doc.phase);
    if (position < 0) position = Math.min(index, weights.length) - 1;
    let finished = 0;
    for (let i = 0; i < position; i++) finished += weights[i].weight;
    return clamp01((finished + weights[position].weight * fraction) / sum);
  }

  function formatDuration(ms) {
    if (ms === null) return DASH;
    const total = Math.max(0, Math.round(ms / 1000));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
    if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
    return `${s} s`;
  }

  const formatters = new Map();
  function formatterFor(zone) {
    const key = zone ?? '';
    if (!formatters.has(key)) {
      const options = { dateStyle: 'medium', timeStyle: 'short' };
      let f;
      try {
        f = new Intl.DateTimeFormat(undefined, zone ? { ...options, timeZone: zone } : options);
      } catch (e) { // an unknown zone: fall back to UTC and say so
        f = new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' });
      }
      formatters.set(key, f);
    }
    return formatters.get(key);
  }

  /** An instant in the given zone, with the zone named: "23 Nov 2026, 03:00 (Europe/Zurich)". */
  function formatInstant(ms, zone) {
    if (ms === null) return DASH;
    const f = formatterFor(zone);
    return `${f.format(new Date(ms))} (${f.resolvedOptions().timeZone})`;
  }

  function phaseText(doc) {
    const name = str(doc.phase);
    const index = num(doc.phaseIndex);
    const count = num(doc.phaseCount);
    const position = index !== null && count !== null ? `${index} of ${count}` : null;
    if (name && position) return `${name} (${position})`;
    return name ?? (position ? `phase ${position}` : DASH);
  }

  /** Elapsed time: from startedAt while running (ticking), else startedAt..finishedAt, else elapsedMs. */
  function elapsedMs(entry, now) {
    const { doc, receivedAt } = entry;
    const started = parseTime(doc.startedAt);
    if (doc.state === 'running') {
      if (started !== null) return Math.max(0, now - started, num(doc.elapsedMs) ?? 0);
      const e = num(doc.elapsedMs);
      return e === null ? null : e + (now - receivedAt);
    }
    const finished = parseTime(doc.finishedAt);
    if (started !== null && finished !== null) return Math.max(0, finished - started);
    return num(doc.elapsedMs);
  }

  /** Remaining time: etaMs counted down since the document arrived; null when unknown or not running. */
  function etaMs(entry, now) {
    const { doc, receivedAt } = entry;
    if (doc.state !== 'running') return null;
    const eta = num(doc.etaMs);
    return eta === null ? null : Math.max(0, eta - (now - receivedAt));
  }

  function formatEta(ms) {
    if (ms === null) return DASH;
    return ms < 1000 ? 'any moment' : formatDuration(ms);
  }

  // ---------------------------------------------------------------- state updates

  function accept(doc, now) {
    if (doc === null || typeof doc !== 'object' || str(doc.pipeline) === null) return false;
    const previous = statuses.get(doc.pipeline);
    if (previous) {
      // an older copy (a poll answer racing the stream, a stale document of the previous run) never wins
      const before = parseTime(previous.doc.updatedAt);
      const after = parseTime(doc.updatedAt);
      if (before !== null && after !== null && after < before) return false;
    }
    const wasRunning = previous && previous.doc.state === 'running';
    statuses.set(doc.pipeline, { doc, receivedAt: now });
    if (wasRunning && doc.state !== 'running') loadJobs(); // next run and last outcome moved on
    return true;
  }

  function acceptAll(list) {
    const now = Date.now();
    const docs = Array.isArray(list) ? list : [list];
    docs.forEach((d) => accept(d, now));
  }

  async function getJson(url) {
    const response = await fetch(url, { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
    return response.json();
  }

  async function loadStatus() {
    try {
      acceptAll(await getJson(API.status));
      statusLoaded = true;
      showLoadError(null);
      render();
    } catch (e) {
      showLoadError(`Cannot load the pipeline status: ${e.message}. Retrying.`);
    }
  }

  async function loadJobs() {
    try {
      const list = await getJson(API.jobs);
      if (Array.isArray(list)) {
        jobs.clear();
        list.filter((j) => j && str(j.pipeline)).forEach((j) => jobs.set(j.pipeline, j));
      }
      render();
    } catch (e) {
      // the schedule is secondary: keep what we had, the cards still show the status documents
    }
  }

  function showLoadError(text) {
    const el = $('load-error');
    el.textContent = text ?? '';
    el.hidden = text === null;
  }

  // ---------------------------------------------------------------- connection: stream, else polling

  function setConnection(mode) {
    $('connection').textContent = mode;
    document.body.dataset.connection = mode;
  }

  function startPolling() {
    if (pollTimer !== null) return;
    setConnection('polling');
    loadStatus();
    pollTimer = setInterval(loadStatus, POLL_MS);
  }

  function stopPolling() {
    if (pollTimer === null) return;
    clearInterval(pollTimer);
    pollTimer = null;
  }

  function openStream() {
    streamRetryTimer = null;
    if (typeof EventSource !== 'function') {
      startPolling();
      return;
    }
    const es = new EventSource(API.events);
    source = es;
    es.addEventListener('open', () => {
      if (source !== es) return;
      stopPolling();
      setConnection('live');
      loadStatus(); // catch up on changes missed while the stream was down
    });
    es.addEventListener('status', (event) => {
      if (source !== es) return;
      try {
        acceptAll(JSON.parse(event.data));
        statusLoaded = true;
        render();
      } catch (e) {
        // one unreadable event must not stop the page; the next one or a poll replaces it
      }
    });
    es.addEventListener('error', () => {
      if (source !== es) return;
      startPolling();
      if (es.readyState === EventSource.CLOSED) { // the browser gave up (e.g. HTTP 404): retry later
        source = null;
        es.close();
        if (streamRetryTimer === null) streamRetryTimer = setTimeout(openStream, STREAM_RETRY_MS);
      } // else the browser reconnects by itself, honouring the server's retry:
    });
  }

  // ---------------------------------------------------------------- rendering

  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  function cardFor(name) {
    let card = cards.get(name);
    if (!card) {
      card = $('card-template').content.firstElementChild.cloneNode(true);
      card.dataset.pipeline = name;
      card.querySelector('.name').textContent = name;
      card.querySelector('.progress-bar').setAttribute('aria-label', `${name} overall progress`);
      cards.set(name, card);
    }
    return card;
  }

  function renderCard(name, now) {
    const entry = statuses.get(name) ?? { doc: { pipeline: name, state: 'idle' }, receivedAt: now };
    const { doc } = entry;
    const job = jobs.get(name) ?? null;
    const zone = job ? str(job.zone) : null;
    const state = str(doc.state) ?? 'idle';
    const card = cardFor(name);
    card.dataset.state = state;

    const badge = card.querySelector('.state');
    badge.dataset.state = state;
    setText(badge, state.replace(/_/g, ' '));

    setText(card.querySelector('.phase'), phaseText(doc));
    setText(card.querySelector('.message'), str(doc.message) ?? '');

    const percent = Math.round(overallProgress(doc, job) * 100);
    const bar = card.querySelector('.progress-bar');
    bar.setAttribute('aria-valuenow', String(percent));
    bar.setAttribute('aria-valuetext', `${percent} %`);
    bar.style.width = `${percent}%`;

    setText(card.querySelector('.elapsed'), formatDuration(elapsedMs(entry, now)));
    setText(card.querySelector('.eta'), formatEta(etaMs(entry, now)));
    const next = parseTime(doc.nextRunAt) ?? (job ? parseTime(job.nextRunAt) : null);
    const nextText = formatInstant(next, zone);
    setText(card.querySelector('.next-run'),
      job && str(job.schedule) && next !== null ? `${nextText} · ${job.schedule}` : nextText);
    const lastSuccess = parseTime(doc.lastSuccessAt) ?? (job ? parseTime(job.lastSuccessAt) : null);
    setText(card.querySelector('.last-success'), formatInstant(lastSuccess, zone));

    const errorEl = card.querySelector('.last-error');
    const error = doc.error && typeof doc.error === 'object' ? doc.error : null;
    if (error) {
      const message = str(error.message) ?? str(error.type) ?? 'unknown error';
      setText(errorEl, str(error.phase) ? `${error.phase}: ${message}` : message);
      errorEl.title = str(error.type) ?? '';
    } else {
      setText(errorEl, DASH);
      errorEl.removeAttribute('title');
    }
    errorEl.classList.toggle('has-error', error !== null);
    return card;
  }

  function renderOverlay(now) {
    const overlay = $('maintenance-overlay');
    const running = [...statuses.values()].filter((e) => e.doc.state === 'running');
    if (running.length === 0) {
      if (!overlay.hidden) {
        overlay.hidden = true;
        $('app').inert = false;
        document.body.classList.remove('overlay-minimised');
      }
      overlayRunKey = null;
      return;
    }
    // The run that keeps the data busy the longest decides what the overlay shows.
    running.sort((a, b) => (etaMs(b, now) ?? -1) - (etaMs(a, now) ?? -1)
      || a.doc.pipeline.localeCompare(b.doc.pipeline));
    const main = running[0];
    const others = running.length - 1;
    setText($('overlay-pipeline'), others > 0 ? `${main.doc.pipeline} (+${others} more)` : main.doc.pipeline);
    setText($('overlay-phase'), phaseText(main.doc));
    setText($('overlay-elapsed'), formatDuration(elapsedMs(main, now)));
    setText($('overlay-eta'), formatEta(etaMs(main, now)));
    $('overlay-progress-fill').style.width =
      `${Math.round(overallProgress(main.doc, jobs.get(main.doc.pipeline)) * 100)}%`;

    const runKey = running.map((e) => e.doc.runId).sort().join(' ');
    if (runKey !== overlayRunKey) { // a new run shows the full overlay again
      overlayRunKey = runKey;
      overlayMinimised = false;
    }
    applyOverlayMode();
    if (overlay.hidden) {
      overlay.hidden = false;
      if (!overlayMinimised) overlay.focus();
    }
  }

  function applyOverlayMode() {
    const overlay = $('maintenance-overlay');
    overlay.classList.toggle('minimised', overlayMinimised);
    overlay.setAttribute('aria-modal', String(!overlayMinimised));
    document.body.classList.toggle('overlay-minimised', overlayMinimised);
    $('app').inert = !overlayMinimised;
    const toggle = $('overlay-toggle');
    toggle.setAttribute('aria-expanded', String(!overlayMinimised));
    setText(toggle, overlayMinimised ? 'Expand' : 'Show pipeline details');
  }

  function render() {
    const now = Date.now();
    const names = [...new Set([...jobs.keys(), ...statuses.keys()])].sort((a, b) => a.localeCompare(b));
    const container = $('pipelines');
    names.forEach((name, i) => {
      const card = renderCard(name, now);
      if (container.children[i] !== card) container.insertBefore(card, container.children[i] ?? null);
    });
    while (container.children.length > names.length) container.lastElementChild.remove();
    $('empty').hidden = !statusLoaded || names.length > 0;
    renderOverlay(now);
    setText($('updated-at'), new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' }).format(new Date(now)));
    if (statusLoaded && !rendered) {
      rendered = true;
      document.body.dataset.ready = 'true';
    }
  }

  /** Between updates only the clocks move: elapsed counts up, ETA counts down. */
  function tick() {
    if (!rendered) return;
    const now = Date.now();
    for (const [name, card] of cards) {
      const entry = statuses.get(name);
      if (!entry) continue;
      setText(card.querySelector('.elapsed'), formatDuration(elapsedMs(entry, now)));
      setText(card.querySelector('.eta'), formatEta(etaMs(entry, now)));
    }
    renderOverlay(now);
  }

  async function start() {
    $('overlay-toggle').addEventListener('click', () => {
      overlayMinimised = !overlayMinimised;
      applyOverlayMode();
      if (!overlayMinimised) $('maintenance-overlay').focus();
    });
    await Promise.all([loadJobs(), loadStatus()]);
    openStream();
    setInterval(tick, TICK_MS);
    setInterval(loadJobs, JOBS_REFRESH_MS);
  }

  start();
})();
