// The Tandem console (docs/console.md). A static page that reads and changes everything through the node's admin API,
// signed in by cookie, with the session's CSRF token on every change. No framework, no build step, nothing fetched
// from another origin; the node's events stream keeps the page live.
'use strict';

const EVENT_KINDS = ['transition', 'admin', 'failed', 'stall', 'director', 'capacity', 'heartbeat-path',
  'peer-versions', 'sessions-taken-over'];
const HISTORY = 60; // samples kept for the load-balancing charts (one every 2 s: two minutes)
const COLORS = ['#1d5fa8', '#2e9a5b', '#b3261e', '#9a6200', '#6a3fb5', '#00838f', '#c2185b', '#5d4037'];

const state = {
  session: null, node: null, view: 'redundancy', haDraft: null, source: null, refreshTimer: null, pollTimer: null,
  events: [], audit: [], lbSeries: new Map(), redirects: [], lastRedirectTotal: null, usersNext: null,
};

// ------------------------------------------------------------------ small helpers

const $ = (id) => document.getElementById(id);

/** Builds an element; text is always set as text, never parsed as HTML. */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function table(headers, rows, caption) {
  // Each cell carries its column's name: on a phone the rows are shown as stacked cards that label their cells.
  for (const row of rows) {
    [...row.children].forEach((cell, i) => {
      if (headers[i] && !cell.hasAttribute('data-label')) cell.setAttribute('data-label', headers[i]);
    });
  }
  return el('div', { class: 'scroll' }, el('table', {},
    caption ? el('caption', { class: 'muted', text: caption }) : null,
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: headers.length, class: 'muted', text: 'None.' })))));
}

function show(container, ...children) {
  container.replaceChildren(...children.flat().filter((c) => c));
}

function notice(text) {
  $('notice').textContent = text || '';
}

class ApiFailure extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** One admin API call; a change carries the CSRF token. 401 sends the operator back to the sign-in form. */
async function api(method, path, body, contentType) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && state.session && state.session.csrf) headers['X-CSRF-Token'] = state.session.csrf;
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = contentType || 'application/json';
    payload = contentType ? body : JSON.stringify(body);
  }
  const r = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  const type = r.headers.get('Content-Type') || '';
  const data = type.startsWith('application/json') ? await r.json() : await r.text();
  if (r.status === 401 && path !== '/console/login') {
    signedOut('Your session has ended: sign in again.');
    throw new ApiFailure(r.status, data);
  }
  // A refused action answers 409 with its own reason (accepted: false), not an error.
  if (!r.ok && !(data && typeof data === 'object' && 'accepted' in data)) throw new ApiFailure(r.status, data);
  return { status: r.status, data, headers: r.headers };
}

function canWrite() {
  return state.session && state.session.role === 'admin';
}

/** Asks before a change: the title, what will happen, and the button's words. Resolves true on Confirm. */
function confirmAction(title, body, ok) {
  const dialog = $('confirm');
  $('confirm-title').textContent = title;
  show($('confirm-body'), ...(Array.isArray(body) ? body : [el('p', { text: body })]));
  $('confirm-ok').textContent = ok || 'Confirm';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = 'cancel';
    dialog.showModal();
    $('confirm-cancel').focus();
  });
}

function stateClass(s) {
  if (s === 'Normal') return 'state-normal';
  if (/Failed|Unknown|Down|Not Running|Affected/.test(s || '')) return 'state-bad';
  return 'state-warn';
}

function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

// ------------------------------------------------------------------ signing in and out

async function start() {
  $('login-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', signOut);
  window.addEventListener('hashchange', route);
  wireUsers();
  wireSettings();
  wireEvents();
  wireOperators();
  try {
    const r = await api('GET', '/api/v1/session');
    signedIn(r.data);
  } catch (e) {
    if (!(e instanceof ApiFailure) || e.status !== 401) signedOut('The node did not answer: ' + e.message);
  }
}

async function signIn(ev) {
  ev.preventDefault();
  const name = $('login-name').value.trim();
  const password = $('login-password').value;
  $('login-error').textContent = '';
  if (!name || !password) {
    $('login-error').textContent = 'Enter your operator name and password.';
    return;
  }
  $('login-submit').disabled = true;
  try {
    const r = await api('POST', '/console/login', { name, password });
    $('login-password').value = '';
    signedIn(r.data);
  } catch (e) {
    $('login-error').textContent = e.message;
  } finally {
    $('login-submit').disabled = false;
  }
}

async function signOut() {
  try {
    await api('POST', '/console/logout');
  } catch (e) {
    // signed out either way
  }
  signedOut('Signed out.');
}

function signedIn(session) {
  state.session = session;
  document.body.classList.toggle('read-only', !canWrite());
  $('who').textContent = `${session.operator} (${session.role})`;
  $('sign-out').hidden = false;
  $('sign-in').hidden = true;
  $('app').hidden = false;
  api('GET', '/api/v1/node').then((r) => {
    state.node = r.data;
    $('node-name').textContent = `node ${r.data.id} · ${r.data.version}`;
    document.title = `Tandem · ${r.data.id}`;
  }).catch(() => {});
  listen();
  clearInterval(state.pollTimer);
  state.pollTimer = setInterval(poll, 2000);
  route();
}

function signedOut(message) {
  state.session = null;
  if (state.source) state.source.close();
  state.source = null;
  clearInterval(state.pollTimer);
  $('app').hidden = true;
  $('sign-out').hidden = true;
  $('live').hidden = true;
  $('who').textContent = '';
  $('sign-in').hidden = false;
  $('login-error').textContent = message || '';
  $('login-name').focus();
}

// ------------------------------------------------------------------ live updates

/** The node's events stream: each event refreshes the view shown and joins the events list. */
function listen() {
  if (state.source) state.source.close();
  const source = new EventSource('/api/v1/events');
  state.source = source;
  const onEvent = (ev) => {
    let data;
    try {
      data = JSON.parse(ev.data);
    } catch (e) {
      return;
    }
    addEvent(data);
    scheduleRefresh();
  };
  for (const kind of EVENT_KINDS) source.addEventListener(kind, onEvent);
  source.onopen = () => {
    $('live').hidden = false;
    $('live').classList.remove('off');
    $('live').textContent = 'live';
  };
  source.onerror = () => {
    $('live').classList.add('off');
    $('live').textContent = 'reconnecting';
  };
}

function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(() => refresh().catch(() => {}), 150);
}

/** Every 2 s: the load-balancing history (kept whatever the view), and the views that have no events of their own. */
async function poll() {
  if (!state.session) return;
  sampleLoadBalancing().catch(() => {});
  if (['load-balancing', 'health', 'settings'].includes(state.view)) refresh().catch(() => {});
  // The store's view of other groups has no events here: it is read again, the live group card is left alone.
  if (state.view === 'redundancy') renderStoreGroups().catch(() => {});
}

function route() {
  const view = (location.hash || '#redundancy').slice(1);
  state.view = document.getElementById('view-' + view) ? view : 'redundancy';
  for (const s of document.querySelectorAll('.view')) s.hidden = s.id !== 'view-' + state.view;
  for (const a of document.querySelectorAll('nav a')) {
    if (a.dataset.view === state.view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  notice('');
  refresh(true).catch((e) => notice(e.message));
}

async function refresh(first) {
  if (!state.session) return;
  switch (state.view) {
    case 'redundancy': return renderRedundancy();
    case 'load-balancing': return renderLoadBalancing();
    case 'users': return first ? renderUsers(false) : undefined;
    case 'settings': return renderSettings(first);
    case 'events': return renderEvents(first);
    case 'health': return renderHealth();
    case 'operators': return renderOperators();
    default: return undefined;
  }
}

// ------------------------------------------------------------------ redundancy groups

const ACTION_LABEL = { failover: 'Failover', fallback: 'Fallback', recover: 'Recover' };

async function renderRedundancy() {
  const [groups, stored] = await Promise.all([
    api('GET', '/api/v1/redundancy-groups'),
    api('GET', '/api/v1/cluster/groups').catch(() => ({ data: [] })),
  ]);
  const g = groups.data[0];
  const storedGroup = stored.data.find((s) => s.name === g.name);
  show($('group-here'), groupCard(g, storedGroup));
  await renderStoreGroups(stored.data);
}

/** Every group in the store, each node as it last reported to the store; redrawn on its own every 2 s. */
async function renderStoreGroups(stored) {
  const groups = stored || (await api('GET', '/api/v1/cluster/groups').catch(() => ({ data: [] }))).data;
  const db = (await api('GET', '/api/v1/db/status').catch(() => ({ data: null }))).data;
  const reported = new Map(((db && db.nodes) || []).map((n) => [n.id, n]));
  const rows = [];
  for (const sg of groups) {
    for (const m of sg.nodes) {
      const r = reported.get(m.id);
      const s = r && r.state ? r.state : 'not reported';
      rows.push(el('tr', {}, el('td', { text: sg.name }), el('td', { text: m.id }), el('td', { text: m.address }),
        el('td', { class: stateClass(s), text: s }), el('td', { text: r && r.reason ? r.reason : '' }),
        el('td', { text: r && r.lastReportSecondsAgo !== null && r.lastReportSecondsAgo !== undefined ? `${r.lastReportSecondsAgo} s ago` : '' }),
        el('td', { text: sg.ha ? 'on' : 'off' })));
    }
  }
  show($('groups-all'), table(['Group', 'Node', 'Address', 'State', 'Reason', 'Reported', 'HA'], rows));
}

function groupCard(g, storedGroup) {
  const storedHa = storedGroup ? storedGroup.ha : g.ha;
  // A box ticked but not saved stays ticked while the page redraws from events.
  const draft = state.haDraft && state.haDraft.group === g.name ? state.haDraft.enabled : storedHa;
  const ha = el('input', { type: 'checkbox', id: 'ha-switch', checked: draft, disabled: !canWrite() });
  ha.addEventListener('change', () => { state.haDraft = { group: g.name, enabled: ha.checked }; });
  const save = el('button', { type: 'button', id: 'ha-save', class: 'write', text: 'Save' });
  save.addEventListener('click', () => saveHa(g, ha.checked));
  const haRow = el('div', { class: 'row' },
    el('label', { for: 'ha-switch', class: 'inline' }, ha, ' Enable High Availability'), save,
    storedHa !== g.ha ? el('span', { class: 'muted', text: `Stored ${storedHa ? 'on' : 'off'}; this node still runs with it `
      + `${g.ha ? 'on' : 'off'} until its next start.` }) : null);
  const rows = g.nodes.map((n) => {
    const peer = g.nodes.find((p) => p.id !== n.id);
    const buttons = ['failover', 'fallback', 'recover'].map((a) => {
      const b = el('button', { type: 'button', class: 'write', 'data-action': a, 'data-node': n.id,
        'aria-label': `${ACTION_LABEL[a]} ${n.id}`, text: ACTION_LABEL[a], disabled: !n.actions.includes(a) });
      b.addEventListener('click', () => runAction(g, a, n, peer));
      return b;
    });
    return el('tr', { 'data-node': n.id },
      el('th', { scope: 'row', text: n.id }), el('td', { text: n.address }),
      el('td', { class: 'node-state ' + stateClass(n.state), text: n.state }),
      el('td', { class: 'node-reason', text: n.reason + (n.detail ? ` (${n.detail})` : '') }),
      el('td', { text: n.serviceAddress ? `${n.serviceAddress}${n.serviceAddressHolder ? ' on ' + n.serviceAddressHolder : ' (held by none)'}` : '' }),
      el('td', { text: n.alive ? (n.healthy ? 'up' : 'up, services down') : 'down' }),
      el('td', { class: 'actions' }, buttons));
  });
  return el('div', { class: 'card', id: 'group-' + g.name },
    el('h2', { text: `${g.name}` }, g.description ? el('span', { class: 'muted', text: ` · ${g.description}` }) : null),
    el('p', { class: 'muted', text: `As node ${g.nodes[0] ? g.nodes[0].seenBy : ''} sees it.` }), haRow,
    g.witness ? el('p', { id: 'witness-' + g.name, class: g.witness.reachable ? 'muted' : 'caution', text: witnessLine(g.witness) })
      : null,
    table(['Node', 'Address', 'State', 'Reason', 'Service address', 'Heard', 'Actions'], rows));
}

/** docs/redundancy.md, Witness: who may serve a partitioned pair, as the answering node knows it. */
function witnessLine(w) {
  const lease = w.held ? `; this node holds the lease until ${w.heldUntil} (fence ${w.fence})`
    : w.holder ? `; the lease is held by ${w.holder}` : '';
  return `Witness: ${w.reachable ? 'reachable' : 'unreachable'}${lease}${w.risk ? ` (${w.risk})` : ''}`;
}

function consequence(action, node, peer) {
  const sessions = node.standbyReady === true
    ? `Their sessions are copied on ${peer.id} and carry on there without a new login.`
    : `Their sessions on ${node.id} end; their clients log in again, on ${peer.id}.`;
  switch (action) {
    case 'failover':
      return [el('p', { text: `Every user of ${node.id} moves to ${peer.id}, which then serves the users of both nodes `
        + `(Running in Backup Mode). ${node.id} stays up, Idle, until a fallback.` }), el('p', { text: sessions })];
    case 'fallback':
      return [el('p', { text: `${peer.id} hands ${node.id}'s users back to ${node.id}, which serves them again; both `
        + 'nodes return to Normal.' }), el('p', { text: `Users moving back to ${node.id} log in there again unless their `
        + 'sessions are replicated.' })];
    default:
      return [el('p', { text: 'Both nodes\' recovery managers restart, as after a double failure. Each node serves its '
        + 'own users again once the group is Normal; until then users may be refused for a short while.' })];
  }
}

async function runAction(g, action, node, peer) {
  const ok = await confirmAction(`${ACTION_LABEL[action]} ${node.id}?`, consequence(action, node, peer), ACTION_LABEL[action]);
  if (!ok) return;
  const query = action === 'recover' ? '' : `?node=${encodeURIComponent(node.id)}`;
  try {
    const r = await api('POST', `/api/v1/redundancy-groups/${encodeURIComponent(g.name)}/${action}${query}`);
    notice(r.data.accepted ? `${ACTION_LABEL[action]} of ${node.id} started: ${r.data.message}` : `Refused: ${r.data.message}`);
  } catch (e) {
    notice(`${ACTION_LABEL[action]} failed: ${e.message}`);
  }
  scheduleRefresh();
}

async function saveHa(g, enabled) {
  // [RG-ENABLE]: what to verify first, as the node finds it now (the same check `tandem groups ha` runs).
  let check;
  try {
    check = (await api('GET', `/api/v1/cluster/groups/${encodeURIComponent(g.name)}/ha/check?enabled=${enabled}`)).data;
  } catch (e) {
    notice(`Not saved: ${e.message}`);
    return;
  }
  const body = [
    el('p', { class: 'caution', text: 'Caution: ' + check.caution }),
    el('p', { text: 'Checked now:' }), el('ul', { id: 'ha-checked' }, check.checked.map((c) => el('li', { text: c }))),
    check.warnings.length ? el('p', { class: 'error', text: 'Against it now:' }) : el('p', { text: 'Nothing speaks against it now.' }),
    check.warnings.length ? el('ul', { id: 'ha-warnings', class: 'error' }, check.warnings.map((w) => el('li', { text: w }))) : null];
  const ok = await confirmAction(`${enabled ? 'Enable' : 'Disable'} high availability for ${g.name}?`, body,
    check.warnings.length ? 'Save anyway' : 'Save');
  state.haDraft = null;
  if (!ok) {
    scheduleRefresh();
    return;
  }
  try {
    const r = await api('POST', `/api/v1/cluster/groups/${encodeURIComponent(g.name)}/ha`, { enabled });
    const later = r.data.restartRequired || [];
    notice(`High availability ${enabled ? 'enabled' : 'disabled'} for ${g.name} (epoch ${r.data.epoch}); `
      + (later.length ? `applied at the next start of: ${later.join(', ')}.` : 'its running nodes apply it at once.'));
  } catch (e) {
    notice(`Not saved: ${e.message}`);
  }
  scheduleRefresh();
}

// ------------------------------------------------------------------ load balancing

async function sampleLoadBalancing() {
  let lb;
  try {
    lb = (await api('GET', '/api/v1/load-balancing')).data;
  } catch (e) {
    return null;
  }
  for (const m of lb.members) {
    const s = state.lbSeries.get(m.publicIp) || [];
    s.push(Math.max(m.ipsecLoad, m.sslLoad));
    if (s.length > HISTORY) s.shift();
    state.lbSeries.set(m.publicIp, s);
  }
  try {
    const text = (await api('GET', '/metrics')).data;
    let total = 0;
    for (const line of String(text).split('\n')) {
      if (line.startsWith('tandem_redirects_total')) total += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
    }
    if (state.lastRedirectTotal !== null) {
      state.redirects.push(Math.max(0, (total - state.lastRedirectTotal) / 2));
      if (state.redirects.length > HISTORY) state.redirects.shift();
    }
    state.lastRedirectTotal = total;
  } catch (e) {
    // metrics are optional for the chart
  }
  return lb;
}

async function renderLoadBalancing() {
  let lb;
  try {
    lb = (await api('GET', '/api/v1/load-balancing')).data;
  } catch (e) {
    if (e.status === 404) {
      show($('lb-summary'), el('p', { class: 'muted', text: 'This node takes no part in a load-balancing group.' }));
      show($('lb-members'));
      return;
    }
    throw e;
  }
  show($('lb-summary'), el('dl', { class: 'facts card' },
    el('dt', { text: 'Status' }), el('dd', { text: lb.status }),
    el('dt', { text: 'Director' }), el('dd', { id: 'lb-director', text: lb.director || 'none yet' }),
    el('dt', { text: 'This member' }), el('dd', { text: `${lb.member} (${lb.role}${lb.speaking ? ', speaking' : ', not speaking'})` }),
    el('dt', { text: 'Cluster address' }), el('dd', { text: `${lb.clusterIp}${lb.holdsClusterAddress ? ' (held by this node)' : ''}` }),
    el('dt', { text: 'Encryption' }), el('dd', { text: lb.encryption }),
    el('dt', { text: 'Failover' }), el('dd', { text: lb.failover }),
    el('dt', { text: 'Peers' }), el('dd', { text: String(lb.peers) })));
  const rows = lb.members.map((m) => el('tr', {},
    el('th', { scope: 'row', text: m.publicIp }), el('td', { text: m.role }), el('td', { text: String(m.priority) }),
    el('td', { text: m.model }),
    el('td', {}, el('meter', { min: 0, max: 100, value: m.ipsecLoad, 'aria-label': `IPsec load ${m.ipsecLoad}%` }), ` ${m.ipsecLoad}%`),
    el('td', {}, el('meter', { min: 0, max: 100, value: m.sslLoad, 'aria-label': `SSL load ${m.sslLoad}%` }), ` ${m.sslLoad}%`),
    el('td', { text: String(m.ipsecSessions) }), el('td', { text: String(m.sslSessions) })));
  show($('lb-members'), table(['Public IP', 'Role', 'Priority', 'Model', 'Load IPsec', 'Load SSL', 'Sessions IPsec',
    'Sessions SSL'], rows));
  const series = [...state.lbSeries.entries()];
  show($('lb-load-chart'), chart(series.map(([, s]) => s), 100),
    el('div', { class: 'legend' }, series.map(([ip], i) => {
      const sw = el('span', { class: 'swatch' });
      sw.style.background = COLORS[i % COLORS.length];
      return el('span', {}, sw, ip);
    })));
  show($('lb-redirect-chart'), chart([state.redirects], Math.max(1, ...state.redirects)),
    el('div', { class: 'muted', text: state.redirects.length ? `now ${state.redirects[state.redirects.length - 1]}/s` : 'collecting' }));
}

/** A line chart of each series (newest on the right) in an SVG drawn by script. */
function chart(seriesList, max) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${HISTORY} 100`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'recent history');
  const axis = document.createElementNS(ns, 'line');
  for (const [k, v] of Object.entries({ x1: 0, y1: 99.5, x2: HISTORY, y2: 99.5, stroke: '#d8dde3', 'stroke-width': 1 })) axis.setAttribute(k, v);
  svg.append(axis);
  seriesList.forEach((s, i) => {
    if (!s.length) return;
    const offset = HISTORY - s.length;
    const points = s.map((v, x) => `${offset + x},${100 - Math.min(100, (v / max) * 100)}`).join(' ');
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', points);
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', COLORS[i % COLORS.length]);
    line.setAttribute('stroke-width', '1.5');
    line.setAttribute('vector-effect', 'non-scaling-stroke');
    svg.append(line);
  });
  return svg;
}

// ------------------------------------------------------------------ users

function wireUsers() {
  $('users-filter').addEventListener('submit', (ev) => {
    ev.preventDefault();
    renderUsers(false).catch((e) => notice(e.message));
  });
  $('users-more').addEventListener('click', () => renderUsers(true).catch((e) => notice(e.message)));
  $('users-mode-save').addEventListener('click', async () => {
    const mode = $('users-mode').value;
    if (!(await confirmAction(`Assign new users ${mode}?`, 'The mode decides the home node of users added from now on; '
      + 'existing users stay where they are until you rebalance.', 'Save mode'))) return;
    try {
      await api('PUT', '/api/v1/cluster/assignment-mode', { mode });
      notice(`Assignment mode: ${mode}.`);
    } catch (e) {
      notice(`Not saved: ${e.message}`);
    }
  });
  $('users-rebalance').addEventListener('click', async () => {
    if (!(await confirmAction('Rebalance every user?', 'Every user is reassigned by the assignment mode. Users whose '
      + 'home node changes are logged out and log in again on their new node.', 'Rebalance'))) return;
    try {
      const r = await api('POST', '/api/v1/users/rebalance');
      notice(`${r.data.moved} users moved. ${r.data.note}`);
      renderUsers(false);
    } catch (e) {
      notice(`Not rebalanced: ${e.message}`);
    }
  });
  $('users-add').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('users-add-error').textContent = '';
    const body = { id: $('users-add-id').value.trim(), group: $('users-add-group').value.trim() || null,
      home: $('users-add-home').value.trim() || null };
    try {
      const r = await api('POST', '/api/v1/users', body);
      notice(`Added ${r.data.id}: home ${r.data.home}, group ${r.data.group}.`);
      $('users-add-id').value = '';
      renderUsers(false);
    } catch (e) {
      $('users-add-error').textContent = e.message;
    }
  });
  $('users-import').addEventListener('submit', (ev) => {
    ev.preventDefault();
    importUsers();
  });
}

async function renderUsers(more) {
  const tableBox = $('users-table');
  api('GET', '/api/v1/cluster/assignment-mode').then((r) => {
    $('users-mode').value = r.data.mode;
    $('users-mode-text').textContent = r.data.mode;
  }).catch(() => {});
  const id = $('users-id').value.trim();
  const serving = $('users-serving').value.trim();
  let users;
  let next = null;
  if (id) {
    try {
      users = [(await api('GET', `/api/v1/users/${encodeURIComponent(id)}`)).data];
    } catch (e) {
      if (e.status !== 404) throw e;
      users = [];
    }
  } else {
    const q = new URLSearchParams({ limit: '100' });
    if ($('users-group').value.trim()) q.set('group', $('users-group').value.trim());
    if ($('users-home').value.trim()) q.set('node', $('users-home').value.trim());
    if (serving) q.set('serving', serving);
    if (more && state.usersNext) q.set('after', state.usersNext);
    const page = (await api('GET', `/api/v1/users?${q}`)).data;
    users = page.users;
    next = page.next;
  }
  state.usersNext = next;
  $('users-more').hidden = !next;
  const rows = users.filter((u) => !id || !serving || u.serving === serving).map((u) => {
    const move = el('button', { type: 'button', class: 'write', text: 'Move', 'aria-label': `Move ${u.id}` });
    move.addEventListener('click', () => moveUser(u));
    const remove = el('button', { type: 'button', class: 'write danger', text: 'Remove', 'aria-label': `Remove ${u.id}` });
    remove.addEventListener('click', () => removeUser(u));
    return el('tr', {}, el('th', { scope: 'row', text: u.id }), el('td', { text: u.group }), el('td', { text: u.home }),
      el('td', { text: u.serving }), el('td', { class: 'actions' }, move, remove));
  });
  const body = table(['User', 'Group', 'Home node', 'Serving node', ''], rows);
  if (more) tableBox.append(body);
  else show(tableBox, body);
}

async function moveUser(u) {
  const group = el('input', { id: 'move-group', value: u.group });
  const home = el('input', { id: 'move-home', value: '', placeholder: 'by the mode' });
  const ok = await confirmAction(`Move ${u.id}?`, [
    el('p', { text: `${u.id} is at home on ${u.home} in ${u.group}. A user moved to another group logs out and in again.` }),
    el('div', { class: 'row' }, el('label', { for: 'move-group' }, 'Group', group), el('label', { for: 'move-home' }, 'Home node', home))],
  'Move');
  if (!ok) return;
  try {
    const r = await api('POST', `/api/v1/users/${encodeURIComponent(u.id)}/move`,
      { group: group.value.trim(), home: home.value.trim() || null });
    notice(`${u.id}: home ${r.data.home} in ${r.data.group}${r.data.mustLogInAgain ? '; it logs in again' : ''}.`);
    renderUsers(false);
  } catch (e) {
    notice(`Not moved: ${e.message}`);
  }
}

async function removeUser(u) {
  if (!(await confirmAction(`Remove ${u.id}?`, `${u.id} is removed from the store; its session ends.`, 'Remove'))) return;
  try {
    await api('DELETE', `/api/v1/users/${encodeURIComponent(u.id)}`);
    notice(`Removed ${u.id}.`);
    renderUsers(false);
  } catch (e) {
    notice(`Not removed: ${e.message}`);
  }
}

/** Uploads a CSV with a progress bar (fetch cannot report upload progress, XMLHttpRequest can). */
function importUsers() {
  const file = $('users-import-file').files[0];
  const progress = $('users-import-progress');
  const result = $('users-import-result');
  show($('users-import-errors'));
  if (!file) {
    result.textContent = 'Choose a CSV file first.';
    return;
  }
  const xhr = new XMLHttpRequest();
  xhr.open('POST', '/api/v1/users/import');
  xhr.setRequestHeader('Content-Type', 'text/csv');
  xhr.setRequestHeader('X-CSRF-Token', state.session.csrf || '');
  progress.hidden = false;
  progress.value = 0;
  result.textContent = 'Uploading...';
  xhr.upload.addEventListener('progress', (ev) => {
    if (ev.lengthComputable) progress.value = Math.round((ev.loaded / ev.total) * 100);
  });
  xhr.addEventListener('load', () => {
    progress.value = 100;
    let body = null;
    try {
      body = JSON.parse(xhr.responseText);
    } catch (e) {
      body = null;
    }
    if (xhr.status === 200 && body) {
      result.textContent = `Imported ${body.imported} users (${body.assigned} placed by the assignment mode).`;
      renderUsers(false);
    } else {
      result.textContent = 'Nothing was imported (an import is all or nothing).';
      // The node names every bad line (the first 20), one a line: each becomes an item of the list.
      const lines = (body && body.message ? body.message : `HTTP ${xhr.status}`).split('\n');
      show($('users-import-errors'), ...lines.map((l) => el('li', { text: l })));
    }
  });
  xhr.addEventListener('error', () => {
    result.textContent = 'The upload failed: the node did not answer.';
  });
  xhr.send(file);
}

// ------------------------------------------------------------------ settings

function wireSettings() {
  $('params-form').addEventListener('submit', saveParameters);
  $('lb-form').addEventListener('submit', saveLoadBalancing);
}

const LB_FIELDS = [['clusterAddress', 'Cluster address'], ['clusterPort', 'Cluster port'], ['mode', 'Mode'],
  ['redirectPort', 'Redirect port']];

/** A labelled input whose refusal message shows beside it; {@code key} is the API's path of the value. */
function field(key, label, value, type) {
  const id = 'f-' + key.replace(/[^A-Za-z0-9]/g, '-');
  const input = el('input', { id, name: key, type: type || 'text', 'data-was': String(value), disabled: !canWrite(),
    'aria-describedby': id + '-error' });
  if (type === 'checkbox') input.checked = value === true;
  else input.value = value === null || value === undefined ? '' : String(value);
  return el('div', { class: 'field' }, el('label', { for: id, text: label }), input,
    el('span', { class: 'error', id: id + '-error', role: 'alert' }));
}

function fieldValue(input) {
  return input.type === 'checkbox' ? String(input.checked) : input.value.trim();
}

async function renderLoadBalancingSettings() {
  const lb = (await api('GET', '/api/v1/cluster/load-balancing/settings')).data;
  if (!lb.group) {
    show($('lb-group'), el('p', { class: 'muted', text: 'No load-balancing group is configured (tandem config, docs/cli.md).' }));
    show($('lb-devices'));
    return;
  }
  show($('lb-group'), ...LB_FIELDS.map(([k, label]) => field('group.' + k, label, lb.group[k])),
    field('group.encryption', 'Encryption', lb.group.encryption, 'checkbox'),
    el('div', { class: 'field' }, el('span', { class: 'muted', text: `Cluster key: ${lb.group.keySet ? 'set' : 'not set'}` })));
  const rows = lb.devices.map((d, i) => el('tr', {}, el('th', { scope: 'row', text: d.node }),
    el('td', {}, field(`devices[${i}].priority`, `Priority of ${d.node}`, d.priority, 'number')),
    el('td', {}, field(`devices[${i}].participate`, `${d.node} takes part`, d.participate, 'checkbox')),
    el('td', { text: d.publicAddress }), el('td', { text: d.privateAddress || '' })));
  show($('lb-devices'), table(['Device', 'Priority', 'Takes part', 'Public address', 'Private address'], rows));
  state.lbDevices = lb.devices.map((d) => d.node);
}

async function saveLoadBalancing(ev) {
  ev.preventDefault();
  const group = {};
  const devices = new Map();
  for (const input of $('lb-form').querySelectorAll('input')) {
    $(input.id + '-error').textContent = '';
    const value = fieldValue(input);
    if (value === input.dataset.was) continue;
    const m = /^devices\[(\d+)\]\.(\w+)$/.exec(input.name);
    const typed = input.type === 'checkbox' ? input.checked : input.type === 'number' || /Port$/.test(input.name) ? Number(value) : value;
    if (m) {
      const d = devices.get(m[1]) || { node: state.lbDevices[Number(m[1])] };
      d[m[2]] = typed;
      devices.set(m[1], d);
    } else {
      group[input.name.slice('group.'.length)] = typed;
    }
  }
  const body = {};
  if (Object.keys(group).length) body.group = group;
  if (devices.size) body.devices = [...devices.values()];
  if (!Object.keys(body).length) {
    $('lb-result').textContent = 'Nothing changed.';
    return;
  }
  try {
    const r = await api('PUT', '/api/v1/cluster/load-balancing/settings', body);
    const later = r.data.restartRequired || [];
    $('lb-result').textContent = `Saved (epoch ${r.data.epoch}).` + (later.length ? ` Applied at the next start of: ${later.join(', ')}.` : '');
    renderLoadBalancingSettings();
  } catch (e) {
    // The node names the setting it refuses in words ("cluster port: '70000' is not allowed; ..."): the message goes
    // next to the field of that name among those sent (a device's only when one device was changed).
    const named = (/^([A-Za-z .-]+):/.exec(e.message) || [])[1];
    const key = named ? named.replace(/[^A-Za-z]/g, '').toLowerCase() : null;
    let target = null;
    if (key && Object.keys(group).some((k) => k.toLowerCase() === key)) {
      target = $('f-group-' + Object.keys(group).find((k) => k.toLowerCase() === key));
    } else if (key && devices.size === 1) {
      const [index, d] = [...devices.entries()][0];
      const k = Object.keys(d).find((x) => x.toLowerCase() === key);
      if (k) target = $(`f-devices-${index}--${k}`);
    }
    if (target) $(target.id + '-error').textContent = e.message;
    $('lb-result').textContent = 'Not saved: ' + e.message;
  }
}

async function renderSettings(first) {
  const db = (await api('GET', '/api/v1/db/status')).data;
  if (first) {
    const params = (await api('GET', '/api/v1/cluster/parameters')).data;
    const fields = Object.entries(params).map(([name, value]) => el('div', { class: 'field' },
      el('label', { for: 'param-' + name, text: name }),
      el('input', { id: 'param-' + name, name, value, 'data-was': value, disabled: !canWrite(),
        'aria-describedby': 'param-error-' + name }),
      el('span', { class: 'error', id: 'param-error-' + name, role: 'alert' })));
    show($('params-form'), ...fields, el('div', { class: 'field write' }, el('button', { type: 'submit', text: 'Save parameters' })));
    await renderLoadBalancingSettings();
  }
  const rows = (db.nodes || []).map((n) => el('tr', {}, el('th', { scope: 'row', text: n.id }),
    el('td', { text: String(n.epoch) }),
    el('td', { text: db.settingsEpoch === null ? '' : n.epoch >= db.settingsEpoch ? 'applied' : 'not yet' }),
    el('td', { text: n.state || '' })));
  show($('params-applied'), el('p', { class: 'muted', text: `Settings epoch in the store: ${db.settingsEpoch ?? 'unknown (store unreachable)'}` }),
    table(['Node', 'Epoch it runs', 'Latest settings', 'State'], rows));
}

async function saveParameters(ev) {
  ev.preventDefault();
  const changes = {};
  for (const input of $('params-form').querySelectorAll('input')) {
    $('param-error-' + input.name).textContent = '';
    if (input.value !== input.dataset.was) changes[input.name] = input.value.trim();
  }
  if (!Object.keys(changes).length) {
    $('params-result').textContent = 'Nothing changed.';
    return;
  }
  try {
    await api('PUT', '/api/v1/cluster/parameters', changes);
    $('params-result').textContent = `Saved: ${Object.keys(changes).join(', ')}. Each node applies them when it reads `
      + 'the new settings (see below).';
    renderSettings(true);
  } catch (e) {
    // The API names the parameter it refuses; the message goes next to that field.
    const field = Object.keys(changes).find((name) => e.message.includes(name));
    if (field) $('param-error-' + field).textContent = e.message;
    $('params-result').textContent = 'Not saved: ' + e.message;
  }
}

// ------------------------------------------------------------------ events and audit

function wireEvents() {
  $('events-filter').addEventListener('input', () => renderEventRows());
  $('events-kind').addEventListener('change', () => renderEventRows());
  $('audit-filter').addEventListener('input', () => renderAuditRows());
  for (const k of EVENT_KINDS) $('events-kind').append(el('option', { value: k, text: k }));
}

function addEvent(e) {
  if (state.events.some((x) => x.seq === e.seq)) return;
  state.events.unshift(e);
  if (state.events.length > 500) state.events.pop();
  if (state.view === 'events') renderEventRows();
}

async function renderEvents(first) {
  if (first) {
    const recent = (await api('GET', '/api/v1/events/recent')).data;
    for (const e of recent) addEvent(e);
    state.events.sort((a, b) => b.seq - a.seq);
  }
  renderEventRows();
  state.audit = (await api('GET', '/api/v1/audit?limit=200')).data;
  renderAuditRows();
}

function eventText(e) {
  return Object.entries(e).filter(([k]) => !['seq', 'at', 'kind'].includes(k)).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ');
}

function renderEventRows() {
  const text = $('events-filter').value.toLowerCase();
  const kind = $('events-kind').value;
  const rows = state.events.filter((e) => (!kind || e.kind === kind)
    && (!text || (e.kind + ' ' + eventText(e)).toLowerCase().includes(text))).slice(0, 200)
    .map((e) => el('tr', {}, el('td', { text: when(e.at) }), el('td', { text: e.kind }), el('td', { text: eventText(e) })));
  show($('events-table'), table(['When', 'Kind', 'What'], rows));
}

function renderAuditRows() {
  const text = $('audit-filter').value.toLowerCase();
  const rows = state.audit.filter((a) => !text || `${a.who} ${a.action} ${a.target} ${a.result}`.toLowerCase().includes(text))
    .map((a) => el('tr', {}, el('td', { text: when(a.at) }), el('td', { text: a.who }), el('td', { text: a.action }),
      el('td', { text: a.target }), el('td', { text: a.result })));
  show($('audit-table'), table(['When', 'Who', 'Action', 'Target', 'Result'], rows));
}

// ------------------------------------------------------------------ health

async function renderHealth() {
  const [checks, db] = await Promise.all([api('GET', '/api/v1/critical-services'), api('GET', '/api/v1/db/status')]);
  const verdicts = Object.entries(checks.data.verdicts).map(([name, up]) => el('tr', {},
    el('th', { scope: 'row', text: name }), el('td', { class: up ? 'state-normal' : 'state-bad', text: up ? 'running' : 'down' })));
  show($('health-checks'), table(['Check', 'Verdict'], verdicts));
  const history = checks.data.history.slice().reverse().map((h) => el('tr', {}, el('td', { text: when(h.at) }),
    el('td', { text: h.check }), el('td', { class: h.up ? 'state-normal' : 'state-bad', text: h.up ? 'up' : 'down' }),
    el('td', { text: h.detail })));
  show($('health-history'), table(['When', 'Check', 'Now', 'Detail'], history));
  const d = db.data;
  show($('health-db'), el('dl', { class: 'facts card' },
    el('dt', { text: 'Store' }), el('dd', { text: `${d.store} ${d.url}` }),
    el('dt', { text: 'Reachable' }), el('dd', { class: d.reachable ? 'state-normal' : 'state-bad', text: d.reachable ? 'yes' : `no: ${d.error}` }),
    el('dt', { text: 'Schema' }), el('dd', { text: d.schemaVersion || '' }),
    el('dt', { text: 'Settings epoch' }), el('dd', { text: d.settingsEpoch === null ? '' : String(d.settingsEpoch) })),
  table(['Node', 'Epoch', 'Reachable', 'State', 'Reason', 'Reported'], (d.nodes || []).map((n) => el('tr', {},
    el('th', { scope: 'row', text: n.id }), el('td', { text: String(n.epoch) }), el('td', { text: n.reachable ? 'yes' : 'no' }),
    el('td', { text: n.state || '' }), el('td', { text: n.reason || '' }), el('td', { text: n.lastReportSecondsAgo === null ? '' : `${n.lastReportSecondsAgo} s ago` })))),
  d.replication && d.replication.length ? table(['Standby', 'Address', 'State', 'Sync', 'Replay lag'], d.replication.map((r) =>
    el('tr', {}, el('td', { text: r.standby || '' }), el('td', { text: r.address || '' }), el('td', { text: r.state || '' }),
      el('td', { text: r.sync || '' }), el('td', { text: r.replayLag || '' })))) : null);
}

// ------------------------------------------------------------------ operators

function wireOperators() {
  $('operators-add').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('operators-error').textContent = '';
    try {
      const r = await api('POST', '/api/v1/operators', { name: $('operators-name').value.trim(),
        role: $('operators-role').value, password: $('operators-password').value });
      $('operators-password').value = '';
      $('operators-name').value = '';
      notice(`Added operator ${r.data.name} (${r.data.role}).`);
      renderOperators();
    } catch (e) {
      $('operators-error').textContent = e.message;
    }
  });
}

async function renderOperators() {
  const operators = (await api('GET', '/api/v1/operators')).data;
  const rows = operators.map((o) => {
    const remove = el('button', { type: 'button', class: 'write danger', text: 'Remove', 'aria-label': `Remove ${o.name}` });
    remove.addEventListener('click', async () => {
      if (!(await confirmAction(`Remove operator ${o.name}?`, `${o.name} can no longer sign in; its open sessions end.`, 'Remove'))) return;
      try {
        await api('DELETE', `/api/v1/operators/${encodeURIComponent(o.name)}`);
        notice(`Removed operator ${o.name}.`);
      } catch (e) {
        notice(`Not removed: ${e.message}`);
      }
      renderOperators();
    });
    const passwd = el('button', { type: 'button', class: 'write', text: 'Set password', 'aria-label': `Set the password of ${o.name}` });
    passwd.addEventListener('click', async () => {
      const input = el('input', { id: 'new-password', type: 'password', autocomplete: 'new-password' });
      if (!(await confirmAction(`New password for ${o.name}`, [el('label', { for: 'new-password' }, 'Password (10 to 256 characters)', input)], 'Set password'))) return;
      try {
        await api('PUT', `/api/v1/operators/${encodeURIComponent(o.name)}/password`, { password: input.value });
        notice(`Password of ${o.name} set; its other sessions end.`);
      } catch (e) {
        notice(`Not set: ${e.message}`);
      }
    });
    return el('tr', {}, el('th', { scope: 'row', text: o.name }), el('td', { text: o.role }), el('td', { text: when(o.created) }),
      el('td', { class: 'actions' }, passwd, remove));
  });
  show($('operators-table'), table(['Operator', 'Role', 'Created', ''], rows));
}

document.addEventListener('DOMContentLoaded', start);
