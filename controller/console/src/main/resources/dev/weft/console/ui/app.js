// The Weft console: reads the REST API (/api/v1) and follows its server-sent events
// (/api/v1/events) to stay current. Plain JavaScript, no framework, nothing fetched from
// elsewhere. Text from the API is always put in the page as text, never as HTML.
'use strict';

const TOKEN_KEY = 'weft-token';
const HISTORY = 60; // traffic samples kept per tenant for the sparklines

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  instance: null,
  controller: null,
  health: null,
  switches: [],
  nodes: [],
  links: [],
  tenants: [],
  migrations: [],
  alerts: null,          // null: not asked yet; 'absent': this controller has no alerts route
  traffic: null,         // the last traffic event, or 'absent'
  history: {},           // tenant -> [{at, tx, rx}]
  flows: null,
  moved: {},             // port -> time it was last seen moving (highlighted for a while)
  located: {},           // port -> location text, to notice moves
};

// ---- small helpers --------------------------------------------------------------------------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('data-')) el.setAttribute(k, v);
    else if (k === 'title') el.title = v;
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function svg(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'text') el.textContent = v; else el.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c) el.append(c);
  return el;
}

function $(id) { return document.getElementById(id); }

function replace(el, ...children) {
  el.replaceChildren(...children.flat().filter(c => c !== null && c !== undefined && c !== false));
}

function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return (i === 0 ? v.toFixed(0) : v.toFixed(v < 10 ? 2 : 1)) + ' ' + units[i];
}

function rate(n) { return bytes(n) + '/s'; }

function count(n) { return n === null || n === undefined ? '–' : Number(n).toLocaleString('en'); }

function ago(iso) {
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return Math.round(s) + ' s ago';
  if (s < 3600) return Math.round(s / 60) + ' min ago';
  if (s < 86400) return Math.round(s / 3600) + ' h ago';
  return Math.round(s / 86400) + ' d ago';
}

function time(iso) {
  const d = new Date(iso);
  return d.toLocaleString('en-GB', { hour12: false, year: 'numeric', month: 'short', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

const PALETTE = ['#3563c9', '#c9356f', '#1f9d55', '#d98b00', '#7a35c9', '#0f8b8d', '#b5452a', '#5b6b00'];
function colour(tenant) {
  let x = 0;
  for (const ch of tenant) x = (x * 31 + ch.charCodeAt(0)) >>> 0;
  const i = state.tenants.findIndex(t => t.name === tenant);
  return PALETTE[(i >= 0 ? i : x) % PALETTE.length];
}

function nodeName(dpid) {
  const n = state.nodes.find(x => x['datapath-id'] === dpid);
  return n ? n.name : dpid;
}

function where(loc) {
  if (!loc) return 'not plugged in';
  return (loc['transport-node'] || loc.dpid) + ' port ' + loc.port;
}

// ---- the API ----------------------------------------------------------------------------------

class AuthError extends Error {}

async function api(path, extra) {
  const headers = Object.assign({ Accept: 'application/json' }, (extra && extra.headers) || {});
  if (state.token) headers.Authorization = 'Bearer ' + state.token;
  const res = await fetch(path, Object.assign({ cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' },
    extra || {}, { headers }));
  if (res.status === 401) {
    askForToken(Boolean(state.token));
    throw new AuthError('token needed');
  }
  return res;
}

async function json(path) {
  const res = await api(path);
  if (!res.ok) {
    const e = new Error(path + ': ' + res.status);
    e.status = res.status;
    throw e;
  }
  return res.json();
}

function askForToken(refused) {
  const d = $('token-dialog');
  $('token-error').hidden = !refused;
  if (!d.open) d.showModal();
}

function setupToken() {
  $('token-form').addEventListener('submit', () => {
    const t = $('token-input').value.trim();
    $('token-input').value = '';
    if (!t) return;
    state.token = t;
    sessionStorage.setItem(TOKEN_KEY, t);
    $('signout').hidden = false;
    loadAll();
    restartEvents();
  });
  $('signout').hidden = !state.token;
  $('signout').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    location.reload();
  });
}

// ---- loading what changed ---------------------------------------------------------------------

const loaders = {
  switches: async () => { state.switches = await json('/api/v1/switches'); renderOverview(); renderFlowChoices(); },
  nodes: async () => { state.nodes = await json('/api/v1/transport-nodes'); renderOverview(); },
  links: async () => { state.links = await json('/api/v1/links').catch(() => []); renderOverview(); },
  tenants: async () => {
    state.tenants = await json('/api/v1/tenants');
    noticeMoves();
    renderOverview(); renderTenants(); renderTraffic();
  },
  migrations: async () => {
    state.migrations = await json('/api/v1/migrations?limit=200').catch(e => {
      if (e.status === 501) return null;
      throw e;
    });
    renderMigrations(); renderOverview();
  },
  health: async () => {
    const res = await api('/health');
    state.health = await res.json();
    renderHeader(); renderOverview();
  },
  controller: async () => { state.controller = await json('/api/v1/controller'); renderHeader(); },
  alerts: async () => {
    const res = await api('/api/v1/alerts');
    if (res.status === 404 || res.status === 501) { state.alerts = 'absent'; }
    else if (res.ok) { state.alerts = await res.json(); }
    renderAlerts();
  },
  traffic: async () => {
    const res = await api('/api/v1/traffic');
    if (res.status === 501) { state.traffic = 'absent'; }
    else if (res.ok) { addTraffic(await res.json()); }
    renderTraffic(); renderOverview();
  },
  flows: async () => {
    const dpid = $('flow-switch').value;
    if (!dpid || currentTab() !== 'flows') return;
    const q = new URLSearchParams();
    if ($('flow-state').value) q.set('state', $('flow-state').value);
    if ($('flow-app').value) q.set('app', $('flow-app').value);
    const res = await api('/api/v1/switches/' + encodeURIComponent(dpid) + '/flows' + (q.toString() ? '?' + q : ''));
    state.flows = res.ok ? await res.json() : { error: (await res.json()).message };
    renderFlows();
  },
};

// What each event topic means for the page.
const TOPICS = {
  switches: ['switches', 'nodes', 'health'],
  links: ['links'],
  nodes: ['nodes', 'health'],
  tenants: ['tenants', 'health'],
  locations: ['tenants', 'health'],
  migrations: ['migrations', 'tenants'],
  flows: ['flows', 'health'],
  alerts: ['alerts'],
};

const running = {};
async function load(what) {
  // One load of a kind at a time; a request for it meanwhile runs once more after it.
  if (running[what]) { running[what] = 'again'; return; }
  running[what] = true;
  try {
    await loaders[what]();
  } catch (e) {
    if (!(e instanceof AuthError)) console.warn('loading ' + what + ' failed', e);
  } finally {
    const again = running[what] === 'again';
    running[what] = false;
    if (again) load(what);
  }
}

function loadAll() {
  for (const k of Object.keys(loaders)) load(k);
}

function noticeMoves() {
  const now = Date.now();
  for (const t of state.tenants) for (const n of t.networks) for (const p of n.ports) {
    const here = p.location ? p.location.dpid : null;
    if (p.name in state.located && state.located[p.name] !== here) state.moved[p.name] = now;
    state.located[p.name] = here;
  }
}

function addTraffic(t) {
  state.traffic = t;
  for (const [tenant, c] of Object.entries(t.tenants || {})) {
    const list = state.history[tenant] || (state.history[tenant] = []);
    if (!list.length || list[list.length - 1].at !== t.at) {
      list.push({ at: t.at, tx: c['tx-bytes-per-second'], rx: c['rx-bytes-per-second'] });
      if (list.length > HISTORY) list.shift();
    }
  }
}

// ---- live events (server-sent events over fetch, so the token goes in a header) ----------------

let events = null;
let backoff = 500;

function restartEvents() {
  if (events) events.abort();
  follow();
}

async function follow() {
  const ctl = new AbortController();
  events = ctl;
  while (events === ctl) {
    try {
      const res = await api('/api/v1/events', { signal: ctl.signal, headers: { Accept: 'text/event-stream' } });
      if (!res.ok || !res.body) throw new Error('events: ' + res.status);
      setLive('ok', 'Live');
      backoff = 500;
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          dispatch(block);
        }
      }
      throw new Error('events ended');
    } catch (e) {
      if (events !== ctl) return;
      if (e instanceof AuthError) { setLive('bad', 'Needs a token'); return; }
      setLive('warn', 'Reconnecting…');
      await new Promise(r => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 8000);
    }
  }
}

function dispatch(block) {
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trim());
  }
  if (!data.length) return;
  const body = JSON.parse(data.join('\n'));
  if (name === 'hello') {
    if (state.instance !== body.instance) {
      state.instance = body.instance;
      loadAll(); // a (re)started controller: read everything
    }
  } else if (name === 'changed') {
    const todo = new Set();
    for (const t of body.topics) for (const l of TOPICS[t] || []) todo.add(l);
    todo.forEach(load);
  } else if (name === 'traffic') {
    addTraffic(body);
    renderTraffic(); renderOverview();
  }
}

function setLive(kind, text) {
  const el = $('live');
  el.className = 'pill ' + kind;
  el.textContent = text;
}

// ---- rendering ------------------------------------------------------------------------------

function renderHeader() {
  const hl = state.health;
  const el = $('health');
  if (hl) {
    const ready = hl.status === 'ready';
    el.className = 'pill ' + (ready ? 'ok' : 'warn');
    el.textContent = ready ? 'Ready' : 'Not ready: ' + hl.message;
    el.title = hl.message;
  }
  const c = state.controller;
  if (c) {
    $('controller').textContent = 'Weft ' + c.version + ' · up ' + ago(c['started-at']).replace(' ago', '')
      + ' · ' + c.switches + ' switches · ' + c.tenants + ' tenants';
  }
}

function hvState(node) {
  if (!node.connected) return ['bad', 'disconnected'];
  const hv = state.health && (state.health.hypervisors || []).find(x => x.name === node.name);
  if (hv && !hv['in-sync']) return ['warn', hv.reason || 'catching up'];
  return ['ok', 'connected, in sync'];
}

function portsByNode() {
  const by = {};
  for (const t of state.tenants) for (const n of t.networks) for (const p of n.ports) {
    const key = p.location ? p.location.dpid : null;
    (by[key] || (by[key] = [])).push({ tenant: t.name, network: n.name, port: p });
  }
  return by;
}

function portTraffic(name) {
  const t = state.traffic;
  return t && t !== 'absent' && t.ports ? t.ports[name] : null;
}

function renderOverview() {
  const by = portsByNode();
  const cards = state.nodes.map(node => {
    const [kind, text] = hvState(node);
    const sw = state.switches.find(s => s.dpid === node['datapath-id']);
    const vms = (by[node['datapath-id']] || []).map(({ tenant, network, port }) => {
      const tr = portTraffic(port.name);
      const moved = state.moved[port.name] && Date.now() - state.moved[port.name] < 15000;
      const li = h('li', { class: 'vm' + (moved ? ' moved' : ''), 'data-port': port.name, 'data-tenant': tenant,
        title: port.mac + ' ' + port.ips.join(' ') },
        h('span', {}, h('span', { class: 'vm-name', text: port.name }), ' ',
          h('span', { class: 'muted', text: tenant + '/' + network })),
        h('span', { class: 'where', text: 'port ' + port.location.port
          + (tr ? ' · ' + rate(tr['tx-bytes-per-second'] + tr['rx-bytes-per-second']) : '') }));
      li.style.borderLeftColor = colour(tenant);
      return li;
    });
    return h('article', { class: 'hv ' + kind, 'data-node': node.name, 'data-dpid': node['datapath-id'] },
      h('header', {}, h('span', { class: 'hv-name', text: node.name }),
        h('span', { class: 'state' }, h('i', { class: 'dot ' + kind }), h('span', { class: 'state-text', text })),
      ),
      h('div', { class: 'meta', text: node['datapath-id'] + ' · tunnel ' + node['tunnel-ip']
        + (sw && sw.flows ? ' · ' + sw.flows.installed + '/' + sw.flows.desired + ' flow entries' : '') }),
      vms.length ? h('ul', { class: 'vms' }, vms) : h('div', { class: 'vm-none', text: 'no VMs here' }));
  });
  replace($('hypervisors'), cards);
  requestAnimationFrame(drawTunnels);

  const others = state.switches.filter(s => !s['transport-node']);
  const nowhere = by[null] || [];
  replace($('others'),
    others.length ? h('div', { text: 'Other switches: ' + others.map(s => s.dpid).join(', ')
      + (state.links.length ? ' · ' + state.links.length / 2 + ' links between switches' : '') }) : null,
    nowhere.length ? h('div', { id: 'unplaced', text: 'VMs not plugged in anywhere: '
      + nowhere.map(x => x.port.name).join(', ') }) : null);

  renderSwitchTable();
  renderRecent();
  renderTrafficSummary();
}

function tunnelsOf(node) {
  const names = Object.keys(node.tunnels || {});
  const others = state.nodes.filter(n => n.name !== node.name).map(n => n.name);
  if (names.some(n => others.includes(n))) return new Set(names);
  return names.length ? new Set(others) : new Set(); // one flow-based tunnel port reaches everyone
}

function drawTunnels() {
  const box = $('fabric').getBoundingClientRect();
  const svgEl = $('tunnels');
  svgEl.setAttribute('viewBox', '0 0 ' + box.width + ' ' + box.height);
  const centre = {};
  for (const el of document.querySelectorAll('#hypervisors .hv')) {
    const r = el.getBoundingClientRect();
    centre[el.dataset.node] = [r.left - box.left + r.width / 2, r.top - box.top + r.height / 2];
  }
  const lines = [];
  const nodes = state.nodes;
  for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) {
    const a = nodes[i];
    const b = nodes[j];
    const ab = a.connected && tunnelsOf(a).has(b.name);
    const ba = b.connected && tunnelsOf(b).has(a.name);
    const kind = ab && ba ? 'ok' : ab || ba ? 'warn' : 'down';
    const p = centre[a.name];
    const q = centre[b.name];
    if (!p || !q) continue;
    // A tunnel that would pass behind another hypervisor bends around it.
    const blocked = Object.entries(centre).some(([n, c]) => n !== a.name && n !== b.name && nearSegment(c, p, q));
    let d = 'M' + p[0] + ',' + p[1];
    if (blocked) {
      const len = Math.hypot(q[0] - p[0], q[1] - p[1]);
      const nx = (p[1] - q[1]) / len;
      const ny = (q[0] - p[0]) / len;
      const k = -0.3 * len; // bend upwards (for a row), by a share of the length
      d += ' Q' + ((p[0] + q[0]) / 2 + nx * k) + ',' + ((p[1] + q[1]) / 2 + ny * k) + ' ' + q[0] + ',' + q[1];
    } else {
      d += ' L' + q[0] + ',' + q[1];
    }
    lines.push(svg('path', { d, class: kind, 'data-tunnel': a.name + '-' + b.name }));
  }
  replace(svgEl, lines);
}

function nearSegment(c, p, q) {
  const vx = q[0] - p[0];
  const vy = q[1] - p[1];
  const t = ((c[0] - p[0]) * vx + (c[1] - p[1]) * vy) / (vx * vx + vy * vy);
  if (t <= 0.05 || t >= 0.95) return false;
  return Math.hypot(p[0] + t * vx - c[0], p[1] + t * vy - c[1]) < 60;
}

function renderSwitchTable() {
  const rows = state.switches.map(s => {
    const c = s.counters || {};
    return h('tr', { 'data-dpid': s.dpid },
      h('td', { class: 'mono', text: s.dpid }), h('td', { text: s['transport-node'] || '' }),
      h('td', { text: s['openflow-version'] }), h('td', { class: 'mono', text: s.address }),
      h('td', { class: 'num', text: s.ports.length }),
      h('td', { class: 'num', text: s.flows ? s.flows.installed + ' / ' + s.flows.desired : '–' }),
      h('td', { class: 'num', text: count(c['packet-ins']) }), h('td', { class: 'num', text: count(c['flow-mods']) }),
      h('td', { class: 'num', text: count(c.errors) }),
      h('td', { text: ago(s['connected-since']) }));
  });
  replace($('switches'), h('thead', {}, h('tr', {}, ['Datapath id', 'Hypervisor', 'OpenFlow', 'Address', 'Ports',
    'Flow entries (installed / wanted)', 'Packet-ins', 'Flow-mods', 'Errors', 'Connected']
    .map((x, i) => h('th', { class: i >= 4 && i <= 8 ? 'num' : null, text: x })))),
  h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 10, class: 'muted', text: 'No switch is connected.' }))));
}

function migrationText(m) {
  return m.subject + ': ' + (m.from ? where(m.from) : 'nowhere') + ' → ' + where(m.to);
}

function renderRecent() {
  const el = $('recent-migrations');
  if (state.migrations === null) { replace(el, h('li', { class: 'muted', text: 'Migrations are not followed (no mobility app).' })); return; }
  const list = state.migrations.slice(0, 5).map(m => h('li', { 'data-seq': m.sequence },
    h('b', { text: '#' + m.sequence + ' ' }), migrationText(m),
    h('span', { class: 'muted', text: ' · ' + ago(m['detected-at'])
      + (m['convergence-ms'] !== null ? ' · ' + m['convergence-ms'] + ' ms' : '') })));
  replace(el, list.length ? list : h('li', { class: 'muted', text: 'No VM has moved yet.' }));
}

function renderTrafficSummary() {
  const el = $('tenant-traffic-summary');
  const t = state.traffic;
  if (!t) { replace(el, h('p', { class: 'muted', text: 'Waiting for the first read of the counters…' })); return; }
  if (t === 'absent') { replace(el, h('p', { class: 'muted', text: 'Traffic is not counted (no mobility app).' })); return; }
  const entries = Object.entries(t.tenants);
  const max = Math.max(1, ...entries.map(([, c]) => c['tx-bytes'] + c['rx-bytes']));
  replace(el, entries.map(([name, c]) => {
    const bar = h('span');
    bar.style.width = (100 * (c['tx-bytes'] + c['rx-bytes']) / max).toFixed(1) + '%';
    bar.style.background = colour(name);
    return h('div', { 'data-tenant': name },
      h('div', {}, h('b', { text: name }), ' ',
        h('span', { class: 'total-bytes', text: bytes(c['tx-bytes'] + c['rx-bytes']) }),
        h('span', { class: 'muted', text: ' · now ' + rate(c['tx-bytes-per-second'] + c['rx-bytes-per-second']) })),
      h('div', { class: 'bar' }, bar));
  }));
}

function renderTenants() {
  const blocks = state.tenants.map(t => {
    const rows = [];
    for (const n of t.networks) {
      rows.push(h('tr', { class: 'group' }, h('td', { colspan: 8 },
        'network ' + n.name + ' · segment ' + n.segment + (n.subnet ? ' · ' + n.subnet : ''))));
      for (const p of n.ports) {
        const tr = portTraffic(p.name);
        rows.push(h('tr', { 'data-port': p.name },
          h('td', { class: 'vm-name', text: p.name }), h('td', { class: 'mono', text: p.mac }),
          h('td', { text: p.ips.join(', ') }),
          h('td', { class: 'location', text: where(p.location) }),
          h('td', { class: 'num', text: tr ? bytes(tr['tx-bytes']) : '–' }),
          h('td', { class: 'num', text: tr ? bytes(tr['rx-bytes']) : '–' }),
          h('td', { class: 'num', text: tr ? count(tr['tx-dropped']) : '–' }),
          h('td', { class: 'num', text: tr ? rate(tr['tx-bytes-per-second'] + tr['rx-bytes-per-second']) : '–' })));
      }
    }
    const tag = h('span', { class: 'tag', text: t.name });
    tag.style.background = colour(t.name);
    return h('div', { class: 'card', 'data-tenant': t.name }, h('h2', {}, 'Tenant ', tag),
      h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, ['VM', 'MAC', 'IP', 'Plugged in at', 'Sent',
        'Received', 'Dropped', 'Now'].map((x, i) => h('th', { class: i >= 4 ? 'num' : null, text: x })))),
      h('tbody', {}, rows)));
  });
  replace($('tenants'), blocks.length ? blocks : h('p', { class: 'muted', text: 'No tenants are configured.' }));
}

function renderMigrations() {
  const table = $('migrations');
  if (state.migrations === null) {
    replace(table, h('tbody', {}, h('tr', {}, h('td', { class: 'muted', text: 'Migrations are not followed on this controller (enable the mobility app).' }))));
    replace($('timeline'));
    return;
  }
  const rows = state.migrations.map(m => h('tr', { 'data-seq': m.sequence, 'data-port': m.subject },
    h('td', { class: 'num', text: m.sequence }), h('td', { text: time(m['detected-at']) }),
    h('td', { class: 'vm-name', text: m.subject }), h('td', { text: m.network || 'host' }),
    h('td', { text: m.from ? where(m.from) : 'nowhere' }), h('td', { text: where(m.to) }),
    h('td', { text: m.cause }),
    h('td', { class: 'num', text: m['convergence-ms'] === null ? '–' : m['convergence-ms'] + ' ms' }),
    h('td', { class: 'num', text: m['flow-mods'] })));
  replace(table, h('thead', {}, h('tr', {}, ['#', 'When', 'VM', 'Network', 'From', 'To', 'Seen by', 'Converged in',
    'Flow-mods'].map((x, i) => h('th', { class: [0, 7, 8].includes(i) ? 'num' : null, text: x })))),
  h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 9, class: 'muted', text: 'No VM has moved yet.' }))));
  drawTimeline();
}

function drawTimeline() {
  const el = $('timeline');
  const w = el.getBoundingClientRect().width || 800;
  const ms = state.migrations || [];
  el.setAttribute('viewBox', '0 0 ' + w + ' 70');
  if (!ms.length) { replace(el, svg('text', { x: 12, y: 38, text: 'No migrations yet.' })); return; }
  const times = ms.map(m => Date.parse(m['detected-at']));
  const end = Date.now();
  const start = Math.min(...times, end - 60000);
  const x = t => 20 + (w - 40) * (t - start) / Math.max(1, end - start);
  const dots = ms.map((m, i) => svg('circle', { cx: x(times[i]), cy: 30, r: 6, 'data-seq': m.sequence },
    svg('title', { text: '#' + m.sequence + ' ' + migrationText(m) + ' (' + time(m['detected-at']) + ')' })));
  replace(el, svg('line', { x1: 20, y1: 30, x2: w - 20, y2: 30, stroke: '#c8ced8' }), dots,
    svg('text', { x: 20, y: 60, text: time(new Date(start).toISOString()) }),
    svg('text', { x: w - 20, y: 60, 'text-anchor': 'end', text: 'now' }));
}

function renderTraffic() {
  const t = state.traffic;
  const tenantsEl = $('tenant-traffic');
  const portsEl = $('port-traffic');
  if (!t || t === 'absent') {
    replace(tenantsEl, h('p', { class: 'muted', text: t === 'absent' ? 'Traffic is not counted on this controller (enable the mobility app).' : 'Waiting for the first read of the counters…' }));
    replace(portsEl);
    return;
  }
  replace(tenantsEl, Object.entries(t.tenants).map(([name, c]) => {
    const hist = state.history[name] || [];
    const max = Math.max(1, ...hist.map(p => Math.max(p.tx, p.rx)));
    const pts = key => hist.map((p, i) => (i * 300 / Math.max(1, HISTORY - 1)).toFixed(1) + ','
      + (56 - 52 * p[key] / max).toFixed(1)).join(' ');
    const tag = h('span', { class: 'tag', text: name });
    tag.style.background = colour(name);
    return h('div', { class: 'card', 'data-tenant': name }, h('h2', {}, tag),
      svg('svg', { class: 'spark', viewBox: '0 0 300 60', preserveAspectRatio: 'none' },
        svg('polyline', { class: 'tx', points: pts('tx') }), svg('polyline', { class: 'rx', points: pts('rx') })),
      h('dl', { class: 'figures' },
        h('dt', { text: 'sent' }), h('dd', { class: 'tx-bytes', text: bytes(c['tx-bytes']) + ' · ' + count(c['tx-packets']) + ' frames' }),
        h('dt', { text: 'received' }), h('dd', { class: 'rx-bytes', text: bytes(c['rx-bytes']) + ' · ' + count(c['rx-packets']) + ' frames' }),
        h('dt', { text: 'dropped' }), h('dd', { class: 'dropped', text: count(c['tx-dropped']) + ' frames (port security)' }),
        h('dt', { text: 'now' }), h('dd', { text: 'sending ' + rate(c['tx-bytes-per-second']) + ', receiving ' + rate(c['rx-bytes-per-second']) })));
  }));
  const ports = Object.entries(t.ports).sort((a, b) => (b[1]['tx-bytes'] + b[1]['rx-bytes']) - (a[1]['tx-bytes'] + a[1]['rx-bytes']));
  replace(portsEl, h('thead', {}, h('tr', {}, ['VM', 'Tenant', 'Network', 'Sent', 'Received', 'Dropped', 'Sending',
    'Receiving'].map((x, i) => h('th', { class: i >= 3 ? 'num' : null, text: x })))),
  h('tbody', {}, ports.map(([name, p]) => h('tr', { 'data-port': name },
    h('td', { text: name }), h('td', { text: p.tenant }), h('td', { text: p.network }),
    h('td', { class: 'num', text: bytes(p['tx-bytes']) }), h('td', { class: 'num', text: bytes(p['rx-bytes']) }),
    h('td', { class: 'num', text: count(p['tx-dropped']) }),
    h('td', { class: 'num', text: rate(p['tx-bytes-per-second']) }), h('td', { class: 'num', text: rate(p['rx-bytes-per-second']) })))));
}

function renderAlerts() {
  const list = state.alerts;
  const badge = $('alert-count');
  let items;
  if (list === 'absent') {
    items = [h('li', { class: 'none', text: 'This controller does not check hypervisors for alerts.' })];
    badge.hidden = true;
  } else if (!list) {
    items = [h('li', { class: 'none', text: 'Loading…' })];
  } else {
    items = list.map(a => h('li', { 'data-node': a.node, 'data-kind': a.kind },
      h('div', { class: 'alert-head', text: a.node + ' · ' + (a.label || a.kind) + (a.subject ? ' · ' + a.subject : '') }),
      h('div', { text: a.message }),
      a.since ? h('div', { class: 'muted', text: 'since ' + time(a.since) }) : null));
    if (!items.length) items = [h('li', { class: 'none', text: 'No alerts: every hypervisor is set up as expected.' })];
    badge.hidden = list.length === 0;
    badge.textContent = list.length;
  }
  replace($('alerts'), items);
  replace($('alerts-summary'), items.map(i => i.cloneNode(true)));
}

function renderFlowChoices() {
  const sel = $('flow-switch');
  const was = sel.value;
  replace(sel, state.switches.map(s => h('option', { value: s.dpid,
    text: (s['transport-node'] ? s['transport-node'] + ' · ' : '') + s.dpid })));
  if (was && state.switches.some(s => s.dpid === was)) sel.value = was;
  const apps = $('flow-app');
  if (state.controller && apps.options.length <= 1) {
    for (const a of state.controller.apps) apps.append(h('option', { value: a.name, text: a.name }));
  }
}

function renderFlows() {
  const f = state.flows;
  const table = $('flows');
  if (!f) { replace(table); return; }
  if (f.error) { replace(table, h('tbody', {}, h('tr', {}, h('td', { class: 'muted', text: f.error })))); $('flow-counts').textContent = ''; return; }
  const c = f.counts;
  $('flow-counts').textContent = c.installed + ' installed of ' + c.desired + ' wanted · ' + c['flow-mods-sent']
    + ' flow-mods sent · ' + c.adopted + ' adopted at connect · ' + c.repaired + ' repaired · ' + c.errors + ' refused'
    + (f['startup-hold'] ? ' · startup hold on' : '');
  replace(table, h('thead', {}, h('tr', {}, ['Table', 'Priority', 'Match', 'App', 'Network', 'State', 'Desired',
    'Installed'].map(x => h('th', { text: x })))),
  h('tbody', {}, f.entries.map(e => h('tr', { 'data-state': e.state },
    h('td', { class: 'num', text: e.table }), h('td', { class: 'num', text: e.priority }),
    h('td', { class: 'mono', text: e.match }), h('td', { text: e.app }), h('td', { class: 'num', text: e.network }),
    h('td', { class: 'state-' + e.state, text: e.state }),
    h('td', { class: 'mono', text: e.desired || '–' }), h('td', { class: 'mono', text: e.installed || '–' })))));
}

// ---- tabs -------------------------------------------------------------------------------------

function currentTab() {
  const t = location.hash.replace('#', '');
  return ['overview', 'tenants', 'migrations', 'traffic', 'flows', 'alerts'].includes(t) ? t : 'overview';
}

function showTab() {
  const t = currentTab();
  for (const s of document.querySelectorAll('section.tab')) s.hidden = s.id !== 'tab-' + t;
  for (const a of document.querySelectorAll('.tabs a')) a.classList.toggle('active', a.dataset.tab === t);
  if (t === 'overview') requestAnimationFrame(drawTunnels);
  if (t === 'migrations') requestAnimationFrame(drawTimeline);
  if (t === 'flows') load('flows');
}

// ---- start ----------------------------------------------------------------------------------

function start() {
  setupToken();
  window.addEventListener('hashchange', showTab);
  window.addEventListener('resize', () => requestAnimationFrame(drawTunnels));
  for (const id of ['flow-switch', 'flow-app', 'flow-state']) $(id).addEventListener('change', () => load('flows'));
  showTab();
  loadAll();
  follow();
  // Things that change without an event: health and uptime, alerts (until they are events too),
  // the "moved" highlight and the "... ago" texts.
  setInterval(() => { load('health'); load('controller'); load('alerts'); renderOverview(); renderRecent(); }, 5000);
}

document.addEventListener('DOMContentLoaded', start);
