// Ferry's console: a thin page over the REST API. Every call carries the signed-in person's bearer
// token, so the API decides what they see (viewers get masked emails) and what they may do; the page
// only hides the buttons their roles could not use. Text from the server is always set as text, never as HTML.

const TOKEN_KEY = 'ferry.token';
const view = document.getElementById('view');
let me = null;
let leave = () => {};

// A sign-in link carries the token in the fragment (#token=...): never sent to a server, never in a log.
const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.get('token')) {
  sessionStorage.setItem(TOKEN_KEY, fragment.get('token'));
  history.replaceState(null, '', '/console/#/requests');
}

class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code;
  }
}

async function api(path, options = {}) {
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  headers.Authorization = `Bearer ${sessionStorage.getItem(TOKEN_KEY)}`;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(options.json);
  }
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) {
    signOut();
    throw new ApiError(401, { title: 'Signed out' });
  }
  if (!response.ok) {
    throw new ApiError(response.status, await response.json().catch(() => ({})));
  }
  if (options.raw) return response;
  return response.status === 204 ? null : response.json();
}

// ---- DOM helpers --------------------------------------------------------------------------------

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const when = (instant) => (instant ? new Date(instant).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }) : '');
const status = (value) => h('span', { class: `status ${value}`, 'data-status': value }, value);
const can = (role) => me && me.roles.includes(role);

function table(headings, rows) {
  return h('table', {}, h('thead', {}, h('tr', {}, headings.map((t) => h('th', {}, t)))), h('tbody', {}, rows));
}

function show(...nodes) {
  view.replaceChildren(...nodes.flat(2).filter((n) => n !== null && n !== undefined && n !== false));
}

function failure(error) {
  return h('p', { class: 'error', role: 'alert' }, error.code ? `${error.code}: ${error.message}` : error.message);
}

// ---- Sign-in ------------------------------------------------------------------------------------

function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  me = null;
  document.getElementById('who').replaceChildren();
  show(document.getElementById('signed-out').content.cloneNode(true));
}

async function signIn() {
  if (!sessionStorage.getItem(TOKEN_KEY)) {
    signOut();
    return false;
  }
  me = await api('/api/me');
  document.getElementById('who').replaceChildren(
    h('span', { id: 'who-name' }, me.name), ` · ${me.roles.join(', ')} · `,
    h('a', { href: '#', onclick: (e) => { e.preventDefault(); signOut(); } }, 'sign out'));
  return true;
}

// ---- Requests -----------------------------------------------------------------------------------

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'REJECTED', 'AWAITING_APPROVAL'];
const ACTIONS = ['migrate', 'revert', 'info', 'validate', 'repair', 'generate', 'baseline', 'backfill', 'drift', 'rollout'];

async function requestsPage(query) {
  const targets = await api('/api/targets').catch(() => []);
  const select = (name, values) => h('select', { name, 'aria-label': name, onchange: (e) => filter(e.target.form) },
    h('option', { value: '' }, `any ${name}`),
    values.map((v) => h('option', { value: v, selected: query.get(name) === v }, v)));
  const filter = (form) => {
    const params = new URLSearchParams();
    for (const field of ['target', 'action', 'status']) if (form[field].value) params.set(field, form[field].value);
    location.hash = `#/requests?${params}`;
  };
  const body = h('tbody', { id: 'requests' });
  show(h('h1', {}, 'Requests'),
    h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() },
      select('target', targets.map((t) => t.name)), select('action', ACTIONS), select('status', STATUSES),
      h('span', { class: 'muted' }, 'live')),
    h('table', {}, h('thead', {}, h('tr', {}, ['Request', 'Action', 'Target', 'Status', 'Requested by', 'Received', 'Took'].map((t) => h('th', {}, t)))), body));
  const seen = new Map();
  const render = (page) => {
    const rows = page.items.map((r) => {
      const key = `${r.status}|${r.finishedAt}`;
      const changed = seen.size > 0 && seen.get(r.requestId) !== key;
      seen.set(r.requestId, key);
      return h('tr', { class: changed ? 'fresh' : null, dataset: { request: r.requestId } },
        h('td', {}, h('a', { href: `#/requests/${encodeURIComponent(r.requestId)}` }, r.requestId)),
        h('td', {}, r.action), h('td', {}, r.target), h('td', {}, status(r.status)),
        h('td', {}, r.requestedBy || ''), h('td', {}, when(r.receivedAt)),
        h('td', {}, r.startedAt && r.finishedAt ? `${((new Date(r.finishedAt) - new Date(r.startedAt)) / 1000).toFixed(1)} s` : ''));
    });
    if (seen.size === 0) seen.set('', '');
    body.replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'No requests match.'))]));
  };
  const params = new URLSearchParams(query);
  params.set('limit', '50');
  render(await api(`/api/requests?${params}`));
  // The same page as server-sent events: sent again whenever it changes, so new requests and new
  // states appear without a reload.
  const abort = new AbortController();
  streamEvents(`/api/requests?${params}`, abort.signal, (event, data) => {
    if (event === 'requests') render(JSON.parse(data));
  }).catch(() => {});
  return () => abort.abort();
}

/** The bar's filled part; its width set through the style object, which the page's Content-Security-Policy allows. */
function fill(percent) {
  const span = h('span');
  span.style.width = `${Math.min(100, Math.max(0, percent))}%`;
  return span;
}

function progressBar(progress) {
  if (!progress) return null;
  let percent = null;
  let label = '';
  if (progress.total) {
    percent = (100 * progress.processed) / progress.total;
    label = `${progress.processed} of ${progress.total} users · ${progress.linked} linked · ${progress.failed} failed`
      + (progress.etaSeconds != null ? ` · about ${progress.etaSeconds} s left` : '');
  } else if (progress.percent != null) {
    percent = progress.percent;
    label = `${progress.table || ''} ${progress.stage || ''} ${progress.percent.toFixed(1)} %`
      + (progress.remaining ? ` · ${progress.remaining} left` : '');
  } else {
    label = JSON.stringify(progress);
  }
  return h('div', { id: 'progress' },
    percent == null ? null : h('div', { class: 'bar', role: 'progressbar', 'aria-valuenow': Math.round(percent) }, fill(percent)),
    h('div', { class: 'muted' }, label));
}

function planSection(plan) {
  if (!plan || !plan.length) return null;
  return [h('h2', {}, 'Plan'), table(['Version', 'Script', 'SQL'], plan.map((s) => h('tr', {},
    h('td', {}, s.version || ''), h('td', {}, s.script || s.description || ''),
    h('td', {}, h('details', {}, h('summary', {}, 'show'), h('pre', {}, s.sql || ''))))))];
}

function lintSection(lint) {
  if (!lint || !lint.length) return null;
  return [h('h2', {}, `Lint findings (${lint.length})`), table(['Severity', 'Rule', 'Where', 'Finding'], lint.map((f) => h('tr', {},
    h('td', {}, status(f.waived ? 'waived' : f.severity)), h('td', {}, f.rule), h('td', {}, `${f.script}:${f.line}`), h('td', {}, f.message))))];
}

function appliedSection(migrations) {
  if (!migrations || !migrations.length) return null;
  return [h('h2', {}, 'Scripts applied'), table(['Version', 'Description', 'State', 'Installed', 'Took'], migrations.map((m) => h('tr', {},
    h('td', {}, m.version || ''), h('td', {}, m.description || ''), h('td', {}, m.state || ''), h('td', {}, when(m.installedOn)),
    h('td', {}, m.executionMs != null ? `${m.executionMs} ms` : ''))))];
}

function decisionControls(request, reload) {
  if (request.status !== 'AWAITING_APPROVAL' || !can('approver')) return null;
  const reason = h('input', { name: 'reason', placeholder: 'reason', 'aria-label': 'reason' });
  const decide = (verb) => async () => {
    try {
      await api(`/api/requests/${encodeURIComponent(request.requestId)}/${verb}`, { method: 'POST', json: { reason: reason.value } });
      reload();
    } catch (error) {
      controls.append(failure(error));
    }
  };
  const controls = h('div', { class: 'actions' }, reason,
    h('button', { class: 'primary', onclick: decide('approve') }, 'Approve'), h('button', { onclick: decide('deny') }, 'Deny'));
  return controls;
}

async function requestPage(id) {
  const load = () => api(`/api/requests/${encodeURIComponent(id)}`);
  let request;
  try {
    request = await load();
  } catch (error) {
    show(h('h1', {}, id), failure(error));
    return () => {};
  }
  const render = () => {
    const result = request.result || {};
    const approval = request.approval || null;
    show(h('h1', {}, `${request.action} · ${request.target} · `, status(request.status)),
      h('div', { class: 'grid' },
        [['Request', request.requestId], ['Requested by', request.requestedBy], ['Reason', request.reason], ['Received', when(request.receivedAt)],
          ['Finished', when(request.finishedAt)], ['Version', result.versionBefore || result.versionAfter ? `${result.versionBefore || '–'} → ${result.versionAfter || '–'}` : ''],
          ['Duration', result.durationMs != null ? `${result.durationMs} ms` : ''],
          ['Approval', approval && approval.decision ? `${approval.decision} by ${approval.decidedBy}${approval.note ? `: ${approval.note}` : ''}`
            : approval ? `waits: ${(approval.reasons || []).join(', ')}` : '']]
          .filter(([, v]) => v).map(([label, value]) => h('div', { class: 'card' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value)))),
      progressBar(request.status === 'RUNNING' ? request.progress : null),
      decisionControls(request, () => navigate()),
      result.error ? [h('h2', {}, 'Error'), h('p', { class: 'error', id: 'error' }, `${result.error.code}: ${result.error.message}`,
        result.error.migration ? ` (${result.error.migration})` : '')] : null,
      planSection(result.plan || (approval && approval.plan)),
      lintSection(result.lint || (approval && approval.lint)),
      appliedSection(result.migrations),
      result.backfill ? [h('h2', {}, 'Backfill'), h('pre', {}, JSON.stringify(result.backfill, null, 2))] : null,
      h('h2', {}, 'Result'), h('details', {}, h('summary', {}, 'the whole result as published'), h('pre', { id: 'result' }, JSON.stringify(request.result || null, null, 2))));
  };
  render();
  if (request.status !== 'RUNNING') return () => {};
  // The request's own server-sent events: progress while it runs, then its result.
  const abort = new AbortController();
  streamEvents(`/api/requests/${encodeURIComponent(id)}/events`, abort.signal, async (event, data) => {
    if (event === 'progress') {
      request.progress = JSON.parse(data);
      document.getElementById('progress')?.replaceWith(progressBar(request.progress));
      if (!document.getElementById('progress')) render();
    } else if (event === 'result') {
      request = await load();
      render();
    }
  }).catch(() => {});
  return () => abort.abort();
}

/** Server-sent events over fetch: EventSource cannot send the Authorization header. */
async function streamEvents(path, signal, onEvent) {
  const response = await api(path, { raw: true, signal, headers: { Accept: 'text/event-stream' } });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      await onEvent(event, data.join('\n'));
    }
  }
}

// ---- Targets ------------------------------------------------------------------------------------

async function targetsPage() {
  const [targets, drift] = await Promise.all([api('/api/targets'), api('/api/drift').catch(() => [])]);
  const drifted = new Map(drift.map((d) => [d.target, d]));
  const driftCell = (name) => {
    const check = drifted.get(name);
    if (!check) return h('td', { class: 'muted' }, 'not checked');
    return h('td', { class: check.objects ? 'error' : null, title: `checked ${when(check.checkedAt)}` },
      check.objects ? `${check.objects} objects differ` : 'none');
  };
  const rows = targets.map((t) => {
    const last = h('td', {}, '…');
    api(`/api/requests?target=${encodeURIComponent(t.name)}&limit=1`).then((page) => {
      const r = page.items[0];
      last.replaceChildren(r ? h('a', { href: `#/requests/${encodeURIComponent(r.requestId)}` }, `${r.action} `, status(r.status), ` ${when(r.receivedAt)}`) : 'none');
    }).catch(() => last.replaceChildren(''));
    return h('tr', { dataset: { target: t.name } },
      h('td', {}, h('a', { href: `#/targets/${encodeURIComponent(t.name)}` }, t.name)), h('td', {}, t.currentVersion || '–'),
      h('td', {}, t.applied ?? ''), h('td', {}, t.pending ?? ''), h('td', { class: t.failed ? 'error' : null }, t.failed ?? ''),
      driftCell(t.name), last, h('td', { class: 'error' }, t.error || ''));
  });
  show(h('h1', {}, 'Targets'), table(['Target', 'Version', 'Applied', 'Pending', 'Failed', 'Drift', 'Last change', 'Problem'], rows));
  return () => {};
}

async function targetPage(name) {
  const [target, migrations] = await Promise.all([api(`/api/targets/${encodeURIComponent(name)}`), api(`/api/targets/${encodeURIComponent(name)}/migrations`)]);
  const drift = h('div', { id: 'drift' }, h('button', { onclick: async () => {
    drift.replaceChildren(h('span', { class: 'muted' }, 'comparing…'));
    try {
      const report = await api(`/api/targets/${encodeURIComponent(name)}/drift`);
      drift.replaceChildren(h('p', {}, report.drifted ? 'Drift: the live schema differs from what the scripts make.' : 'No drift.'),
        h('pre', {}, JSON.stringify(report, null, 2)));
    } catch (error) {
      drift.replaceChildren(failure(error));
    }
  } }, 'Check drift now'));
  show(h('h1', {}, `Target ${target.name}`),
    h('div', { class: 'grid' }, [['Version', target.currentVersion || '–'], ['Applied', target.applied], ['Pending', target.pending], ['Failed', target.failed]]
      .map(([label, value]) => h('div', { class: 'card' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value ?? '')))),
    h('h2', {}, 'Drift'), drift,
    h('h2', {}, 'Scripts'),
    table(['Version', 'Description', 'Type', 'State', 'Installed', 'Took'], migrations.map((m) => h('tr', {},
      h('td', {}, m.version || ''), h('td', {}, m.description || ''), h('td', {}, m.type || ''), h('td', {}, status(m.state || '')),
      h('td', {}, when(m.installedOn)), h('td', {}, m.executionMs != null ? `${m.executionMs} ms` : '')))));
  return () => {};
}

// ---- Unresolved users ---------------------------------------------------------------------------

/** Unresolved (failed) rows per backfill run, oldest run first, as a small line chart. */
function trendChart(runs) {
  const points = [...runs].filter((r) => r.lastAttempt).sort((a, b) => new Date(a.lastAttempt) - new Date(b.lastAttempt))
    .map((r) => ({ run: r.runId, at: r.lastAttempt, failed: r.byStatus.failed || 0 }));
  const width = 640;
  const height = 160;
  const pad = 28;
  const svg = (tag, attrs, ...children) => {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    children.forEach((c) => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return node;
  };
  const chart = svg('svg', { class: 'trend', id: 'trend', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': 'Unresolved users per run' });
  if (!points.length) {
    chart.append(svg('text', { x: pad, y: height / 2 }, 'No backfill runs yet.'));
    return chart;
  }
  const max = Math.max(1, ...points.map((p) => p.failed));
  const x = (i) => pad + (points.length === 1 ? (width - 2 * pad) / 2 : (i * (width - 2 * pad)) / (points.length - 1));
  const y = (v) => height - pad - (v * (height - 2 * pad)) / max;
  chart.append(svg('line', { x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, stroke: '#dde1e8' }),
    svg('text', { x: 4, y: y(max) + 4 }, max), svg('text', { x: 4, y: height - pad + 4 }, 0),
    svg('polyline', { fill: 'none', stroke: '#b42318', 'stroke-width': 2, points: points.map((p, i) => `${x(i)},${y(p.failed)}`).join(' ') }));
  points.forEach((p, i) => chart.append(svg('circle', { cx: x(i), cy: y(p.failed), r: 3, fill: '#b42318' },
    svg('title', {}, `${p.run}: ${p.failed} unresolved (${when(p.at)})`))));
  chart.append(svg('text', { x: pad, y: height - 8 }, when(points[0].at)),
    svg('text', { x: width - pad, y: height - 8, 'text-anchor': 'end' }, when(points[points.length - 1].at)));
  return chart;
}

async function usersPage(query) {
  const summary = await api('/api/audit/user-authid/summary');
  const filter = new URLSearchParams();
  for (const key of ['reason', 'runId', 'status']) if (query.get(key)) filter.set(key, query.get(key));
  if (!filter.has('status')) filter.set('unresolvedOnly', 'true');
  const go = (changes) => {
    const next = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) (v ? next.set(k, v) : next.delete(k));
    location.hash = `#/users?${next}`;
  };
  const groups = (title, entries, key) => h('div', { class: 'card' }, h('div', { class: 'label' }, title),
    entries.length ? entries.map(([name, count]) => h('div', {},
      h('a', { href: '#', dataset: { [key]: name }, onclick: (e) => { e.preventDefault(); go({ [key]: query.get(key) === name ? '' : name }); } },
        query.get(key) === name ? `▸ ${name}` : name), ` ${count}`)) : h('div', { class: 'muted' }, 'none'));
  const byRun = summary.runs.filter((r) => r.byStatus.failed).map((r) => [r.runId, r.byStatus.failed]);
  const rowsBody = h('tbody', { id: 'audit-rows' });
  const exportButton = h('button', { id: 'export', onclick: () => exportCsv(filter) }, 'Export CSV');
  show(h('h1', {}, 'Unresolved users'),
    h('div', { class: 'grid' },
      h('div', { class: 'card' }, h('div', { class: 'label' }, 'Unresolved'), h('div', { class: 'value', id: 'unresolved-count' }, summary.byStatus.failed || 0)),
      groups('By reason', Object.entries(summary.failedByReason), 'reason'), groups('By run', byRun, 'runId'),
      h('div', { class: 'card' }, h('div', { class: 'label' }, 'Oldest unresolved'), h('div', {}, when(summary.oldestUnresolved) || 'none'))),
    h('h2', {}, 'Unresolved per run'), trendChart(summary.runs),
    h('h2', {}, 'Rows'), h('div', { class: 'actions' }, h('span', { class: 'muted' }, `filter: ${filter}`), exportButton),
    h('table', {}, h('thead', {}, h('tr', {}, ['Row', 'Run', 'User', 'Email', 'Reason', 'Kratos said', 'Attempts', 'Attempted', 'Status', ''].map((t) => h('th', {}, t)))), rowsBody));
  const page = await api(`/api/audit/user-authid?${filter}&limit=100`);
  rowsBody.replaceChildren(...(page.items.length ? page.items.map(auditRow) : [h('tr', {}, h('td', { colspan: 10, class: 'muted' }, 'Nothing unresolved here.'))]));
  return () => {};
}

function auditRow(row) {
  const actions = h('td', { class: 'row-actions' });
  const tr = h('tr', { dataset: { audit: row.id } },
    h('td', {}, row.id), h('td', {}, row.runId), h('td', { class: 'id', title: row.userId }, row.userId), h('td', { class: 'email' }, row.email || ''),
    h('td', {}, row.failureReason || ''), h('td', { class: 'said' }, row.kratosError || ''), h('td', {}, row.attempts),
    h('td', { class: 'time' }, when(row.attemptedAt)),
    h('td', {}, status(row.resolutionStatus), row.resolvedBy ? ` by ${row.resolvedBy}` : ''), actions);
  if (!can('operator') || row.resolutionStatus !== 'failed') return tr;
  const note = h('input', { name: 'note', placeholder: 'what you found', 'aria-label': 'note' });
  const message = h('div', { class: 'lookup' });
  actions.append(
    h('button', { class: 'lookup-button', onclick: async () => {
      message.replaceChildren('asking Kratos…');
      try {
        const found = await api(`/api/audit/user-authid/${row.id}/kratos`);
        message.replaceChildren(found.error ? h('span', { class: 'error' }, found.error)
          : found.identities.length === 0 ? 'Kratos has no identity for this email.'
            : found.identities.map((i) => h('div', {}, `identity ${i.id} (${i.state || 'state unknown'})`)));
      } catch (error) {
        message.replaceChildren(failure(error));
      }
    } }, 'Kratos lookup'),
    h('button', { class: 'retry-button', onclick: async () => {
      try {
        const submitted = await api(`/api/audit/user-authid/${row.id}/retry`, { method: 'POST' });
        message.replaceChildren('retry submitted: ', h('a', { href: `#/requests/${encodeURIComponent(submitted.requestId)}` }, submitted.requestId));
      } catch (error) {
        message.replaceChildren(failure(error));
      }
    } }, 'Retry'),
    h('form', { class: 'inline-form', onsubmit: async (e) => {
      e.preventDefault();
      try {
        // The row's version is its ETag: a row someone changed meanwhile is refused, not overwritten.
        const resolved = await api(`/api/audit/user-authid/${row.id}`, { method: 'PATCH', headers: { 'If-Match': `"${row.version}"` },
          json: { resolutionStatus: 'resolved', note: note.value } });
        tr.replaceWith(auditRow(resolved));
      } catch (error) {
        message.replaceChildren(failure(error));
      }
    } }, note, h('button', { type: 'submit', class: 'resolve-button' }, 'Resolve')),
    message);
  return tr;
}

async function exportCsv(filter) {
  const response = await api(`/api/audit/user-authid/export.csv?${filter}`, { raw: true, headers: { Accept: 'text/csv' } });
  const link = h('a', { href: URL.createObjectURL(await response.blob()), download: `unresolved-users-${new Date().toISOString().slice(0, 10)}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
}

// ---- Approvals ----------------------------------------------------------------------------------

async function approvalsPage() {
  const page = await api('/api/requests?status=AWAITING_APPROVAL&limit=100');
  show(h('h1', {}, 'Waiting for approval'),
    page.items.length === 0 ? h('p', { class: 'muted' }, 'Nothing waits for approval.')
      : table(['Request', 'Action', 'Target', 'Requested by', 'Reason', 'Received'], page.items.map((r) => h('tr', { dataset: { request: r.requestId } },
        h('td', {}, h('a', { href: `#/requests/${encodeURIComponent(r.requestId)}` }, r.requestId)), h('td', {}, r.action), h('td', {}, r.target),
        h('td', {}, r.requestedBy || ''), h('td', {}, r.reason || ''), h('td', {}, when(r.receivedAt))))));
  return () => {};
}

async function approvalCount() {
  const badge = document.getElementById('approval-count');
  const page = await api('/api/requests?status=AWAITING_APPROVAL&limit=100').catch(() => ({ items: [] }));
  badge.textContent = page.items.length;
  badge.hidden = page.items.length === 0;
}

// ---- Routing ------------------------------------------------------------------------------------

const routes = [
  [/^#\/requests\/(.+)$/, (m) => requestPage(decodeURIComponent(m[1]))],
  [/^#\/targets\/(.+)$/, (m) => targetPage(decodeURIComponent(m[1]))],
  [/^#\/targets$/, () => targetsPage()],
  [/^#\/users$/, (m, q) => usersPage(q)],
  [/^#\/approvals$/, () => approvalsPage()],
  [/^#\/requests$/, (m, q) => requestsPage(q)],
];

async function route() {
  leave();
  leave = () => {};
  if (!me && !(await signIn().catch(() => false))) return;
  const [path, search] = (location.hash || '#/requests').split('?');
  const query = new URLSearchParams(search || '');
  const [pattern, render] = routes.find(([p]) => p.test(path)) || routes[routes.length - 1];
  for (const link of document.querySelectorAll('[data-nav]')) link.classList.toggle('active', path.startsWith(`#/${link.dataset.nav}`));
  try {
    leave = (await render(path.match(pattern), query)) || (() => {});
  } catch (error) {
    if (error.status !== 401) show(failure(error));
  }
  approvalCount();
}

// One page at a time: a page still loading when the address changes finishes first, then the next one
// replaces it (otherwise the slower of the two would win).
let routing = Promise.resolve();
const navigate = () => { routing = routing.then(route, route); };
window.addEventListener('hashchange', navigate);
navigate();
