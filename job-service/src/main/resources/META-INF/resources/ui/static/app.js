// Trawl dashboard: the live parts. The page works without this module; it adds live updates from the
// event feed (a short-lived feed token from POST /api/v1/feed-tokens, never the API key) and inline controls.
const body = document.body;
const feedUrl = (body.dataset.feedUrl || '').replace(/\/+$/, '');
const csrf = document.querySelector('meta[name="csrf-token"]')?.content || '';
const WINDOW = 500;             // events kept in the timeline
const statusLine = document.getElementById('live-status');

function say(text) { if (statusLine) statusLine.textContent = text; }

async function feedToken() {
  const tenant = document.querySelector('[data-tenant]')?.dataset.tenant;
  const res = await fetch('/api/v1/feed-tokens' + (tenant ? '?tenant=' + encodeURIComponent(tenant) : ''), {
    method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf, 'Accept': 'application/json' } });
  if (!res.ok) throw new Error('feed token: HTTP ' + res.status);
  return (await res.json()).token;
}

// One WebSocket with reconnects (backoff), resuming from the last seq when `after` is given.
function connect(pathOf, onEvent) {
  let delay = 500;
  const open = async () => {
    let token;
    try { token = await feedToken(); } catch (e) { say('live updates unavailable (' + e.message + '), retrying'); return retry(); }
    const ws = new WebSocket(feedUrl.replace(/^http/, 'ws') + pathOf() + (pathOf().includes('?') ? '&' : '?')
      + 'access_token=' + encodeURIComponent(token));
    ws.onopen = () => { delay = 500; say('live'); };
    ws.onmessage = (m) => {
      let e; try { e = JSON.parse(m.data); } catch { return; }
      if (e.type === 'resync') { ws.close(); return; }
      if (e.type === 'heartbeat') return;
      onEvent(e);
    };
    ws.onclose = () => { say('reconnecting…'); retry(); };
  };
  const retry = () => { setTimeout(open, delay); delay = Math.min(delay * 2, 15000); };
  open();
}

// DOM writes are queued and applied once per animation frame.
const pending = new Map();
let scheduled = false;
function write(key, fn) {
  pending.set(key, fn);
  if (!scheduled) { scheduled = true; requestAnimationFrame(() => { scheduled = false; const w = [...pending.values()]; pending.clear(); w.forEach(f => f()); }); }
}

const STATUS_OF = { 'job.started': 'running', 'job.resumed': 'running', 'job.paused': 'paused', 'job.killed': 'killed',
  'job.completed': 'completed', 'job.failed': 'failed' };

function setStatus(root, status) {
  const el = root.querySelector('[data-field="status"]');
  if (el) { el.textContent = status; el.className = 'status s-' + status; }
}

function setCounters(root, d) {
  const done = (d.tasksDone || 0) + (d.tasksFailed || 0);
  const pct = d.tasksTotal ? Math.min(100, Math.floor(done * 100 / d.tasksTotal)) : 0;
  const p = root.querySelector('[data-field="progress"]'); if (p) { p.value = pct; p.textContent = pct + '%'; }
  const set = (k, v) => { const el = root.querySelector('[data-field="' + k + '"]'); if (el) el.textContent = v; };
  set('percent', pct + '%'); set('counts', (d.tasksDone || 0) + '/' + (d.tasksTotal || 0)); set('items', d.items || 0);
  set('tasksTotal', d.tasksTotal || 0); set('tasksDone', d.tasksDone || 0); set('tasksFailed', d.tasksFailed || 0);
}

// A small live chart: one point per second, the last 60 seconds.
function chart(svg) {
  const points = new Array(60).fill(0);
  let current = 0;
  setInterval(() => {
    points.shift(); points.push(current); current = 0;
    const max = Math.max(1, ...points);
    write('chart', () => svg.querySelector('polyline').setAttribute('points',
      points.map((v, i) => (i * 5) + ',' + (58 - v * 56 / max).toFixed(1)).join(' ')));
    return points;
  }, 1000);
  return { add(n) { current += n; }, last() { return points[points.length - 1]; } };
}

// Jobs list: the tenant firehose updates status, progress and items of the rows on screen.
function jobsList(table) {
  const rate = new Map();
  connect(() => '/ws/events', (e) => {
    const row = table.querySelector('tr[data-job-id="' + e.jobId + '"]');
    if (!row) return;
    if (STATUS_OF[e.type]) write(e.jobId + ':s', () => setStatus(row, STATUS_OF[e.type]));
    if (e.data && e.data.tasksTotal !== undefined) write(e.jobId + ':c', () => setCounters(row, e.data));
    if (e.type === 'task.succeeded' || e.type === 'task.failed') rate.set(e.jobId, (rate.get(e.jobId) || 0) + 1);
  });
  setInterval(() => {
    for (const [id, n] of rate) {
      const row = table.querySelector('tr[data-job-id="' + id + '"]');
      if (row) write(id + ':r', () => { row.querySelector('[data-field="rate"]').textContent = n.toFixed(1); });
    }
    rate.clear();
  }, 1000);
}

// Job page: the per-job feed from the last seq shown, gapless; the timeline keeps the last WINDOW events.
function jobPage(article) {
  const id = article.dataset.jobId;
  const timeline = document.getElementById('timeline');
  const droppedNote = article.querySelector('[data-field="dropped"]');
  const lastSeq = Number(article.dataset.lastSeq || 0);
  let after = Math.max(0, lastSeq - 200);   // show the recent history, then live
  let dropped = after;
  const c = chart(document.getElementById('throughput'));
  const live = article.querySelector('[data-field="liveRate"]');
  setInterval(() => write('live', () => { live.textContent = String(c.last()); }), 1000);
  const batch = [];
  connect(() => '/ws/jobs/' + id + '?after=' + after, (e) => {
    if (typeof e.seq !== 'number' || e.seq <= after) return;   // never twice
    after = e.seq;
    batch.push(e);
    if (STATUS_OF[e.type]) write('s', () => setStatus(article, STATUS_OF[e.type]));
    if (e.data && e.data.tasksTotal !== undefined) write('c', () => setCounters(article, e.data));
    if (e.type === 'task.succeeded' || e.type === 'task.failed') c.add(1);
    write('t', () => {
      const frag = document.createDocumentFragment();
      for (const ev of batch.splice(0)) {
        const li = document.createElement('li');
        li.dataset.seq = ev.seq;
        const detail = ev.data ? (ev.data.url || ev.data.error || ev.data.reason || '') : '';
        li.textContent = '#' + ev.seq + ' ' + (ev.time || '').replace('T', ' ').replace(/\.\d+Z$/, 'Z') + ' ' + ev.type
          + (detail ? ' — ' + detail : '');
        frag.prepend(li);
      }
      timeline.prepend(frag);
      while (timeline.childElementCount > WINDOW) { timeline.lastElementChild.remove(); dropped++; }
      droppedNote.textContent = dropped > 0 ? dropped + ' older event(s) not shown' : '';
    });
  });
}

// Controls: send the API call with the CSRF header and show the answer in words (409s included).
function inlineControls() {
  const out = document.getElementById('control-result');
  document.querySelectorAll('form[data-api]').forEach((form) => form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const verb = form.querySelector('button').textContent.trim();
    out.textContent = verb + '…';
    try {
      const res = await fetch(form.dataset.api, { method: 'POST', credentials: 'same-origin',
        headers: { 'X-CSRF-Token': csrf, 'Accept': 'application/json' } });
      const body = await res.json().catch(() => ({}));
      if (res.ok) { out.textContent = verb + ': done — the job is ' + body.status + '.'; setStatus(document, body.status); }
      else if (res.status === 409) out.textContent = verb + ' is not possible now: ' + (body.detail || 'conflict');
      else out.textContent = verb + ' failed: ' + (body.detail || ('HTTP ' + res.status));
    } catch (e) { out.textContent = verb + ' failed: ' + e.message; }
  }));
}

// The fleet page: poll the workers' reported rate (heartbeats are themselves periodic).
function fleet(section) {
  const c = chart(document.getElementById('throughput'));
  setInterval(async () => {
    const res = await fetch('/api/v1/workers', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!res.ok) return;
    const page = await res.json();
    const rate = page.items.filter(w => !w.stale).reduce((s, w) => s + (w.stats.pagesPerSecond || 0), 0);
    c.add(rate);
    write('fleet', () => { section.querySelector('[data-field="fleetRate"]').textContent = rate.toFixed(1); });
  }, 1000);
}

// New job form: show only the fields of the chosen mode.
function modeSwitch() {
  const radios = document.querySelectorAll('input[name="mode"]');
  if (!radios.length) return;
  const apply = () => {
    const json = document.querySelector('input[name="mode"][value="json"]').checked;
    document.querySelector('.form-mode').hidden = json;
    document.querySelector('.json-mode').hidden = !json;
  };
  radios.forEach(r => r.addEventListener('change', apply));
  apply();
}

const jobsTable = document.querySelector('[data-live="jobs"]');
if (jobsTable && feedUrl) jobsList(jobsTable);
const article = document.querySelector('[data-live="job"]');
if (article && feedUrl) jobPage(article);
const fleetSection = document.querySelector('[data-live="fleet"]');
if (fleetSection) fleet(fleetSection);
inlineControls();
modeSwitch();
