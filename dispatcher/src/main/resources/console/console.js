// dispatch operator console: polls the admin port's /metrics (open) and its JSON routes (bearer token), and draws
// what it reads. Plain browser JavaScript, no dependencies: the file ships in the engine's jar as it is.
'use strict';

const POLL_MS = 1000;
const HISTORY_POINTS = 300; // five minutes at one sample a second
const TOKEN_KEY = 'dispatch.adminToken';
const COUNTERS = {
  accepted: 'dispatch_acked_total',
  dispatched: 'dispatch_dispatched_total',
  delivered: 'dispatch_delivered_total',
  nacked: 'dispatch_submits_nacked_total',
  failed: 'dispatch_failed_total',
  rejected: 'dispatch_rejected_total',
};
const CHARTED = [['accepted', '#2f6fdf'], ['dispatched', '#d98a1c'], ['delivered', '#2a9d57']];
const BREAKER = ['CLOSED', 'OPEN', 'HALF_OPEN'];
const CLASSES = ['auth', 'informational', 'marketing'];
const E2E = 'dispatch_e2e_latency_seconds';
const UNTIL = {provider_accepted: 'handed off', delivered: 'delivered'};
// per class chart: [key, family, labels besides class, colour]
const LATENCY_SERIES = [
  ['ack', 'dispatch_ack_latency_seconds', {}, '#2f6fdf'],
  ['handedOff', E2E, {until: 'provider_accepted'}, '#d98a1c'],
  ['delivered', E2E, {until: 'delivered'}, '#2a9d57'],
];

let previous = null; // {atMs, values} of the last /metrics poll, for rates
const history = []; // [{accepted, dispatched, delivered}] per second, oldest first
let tenantsShown = '';
let previousLatency = null; // {class: {key: [count, sum]}} of the last /metrics poll
const latencyHistory = {auth: [], informational: [], marketing: []}; // per second: {key: mean seconds, or null}

const $ = (id) => document.getElementById(id);

function token()
{
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Parses the Prometheus text format into a Map of "name{labels}" (as written) to number, plus parsed labels. */
function parseMetrics(text)
{
  const samples = [];
  for (const line of text.split('\n'))
  {
    if (line === '' || line.startsWith('#'))
    {
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m)
    {
      continue;
    }
    const labels = {};
    for (const l of (m[3] || '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
    {
      labels[l[1]] = l[2].replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
    }
    samples.push({name: m[1], labels, value: Number(m[4])});
  }
  return samples;
}

function sum(samples, name, where)
{
  let total = 0;
  for (const s of samples)
  {
    if (s.name === name && Object.entries(where || {}).every(([k, v]) => s.labels[k] === v))
    {
      total += s.value;
    }
  }
  return total;
}

function find(samples, name, where)
{
  const s = samples.find((x) => x.name === name && Object.entries(where).every(([k, v]) => x.labels[k] === v));
  return s ? s.value : undefined;
}

async function fetchText(path, options)
{
  const sent = token();
  const headers = {};
  if (sent !== null)
  {
    headers.Authorization = 'Bearer ' + sent;
  }
  const response = await fetch(path, Object.assign({headers, cache: 'no-store'}, options || {}));
  const body = await response.text();
  if (response.status === 401)
  {
    // several requests of one poll can be refused: only the first, still holding the token it sent, asks again
    if (sent === null || sent === token())
    {
      askForToken(sent === null ? '' : 'the token was refused: enter the current one');
    }
    throw new Error('unauthorized');
  }
  if (!response.ok)
  {
    throw new Error(path + ': ' + response.status + ' ' + body.trim());
  }
  return body;
}

function askForToken(problem)
{
  sessionStorage.removeItem(TOKEN_KEY);
  $('token-form').hidden = false;
  $('forget-token').hidden = true;
  $('token-problem').textContent = problem;
}

function cell(row, text, className)
{
  const td = document.createElement('td');
  td.textContent = text;
  if (className)
  {
    td.className = className;
  }
  row.appendChild(td);
  return td;
}

function fillTable(id, rows)
{
  const body = document.querySelector('#' + id + ' tbody');
  body.replaceChildren(...rows);
}

function seconds(value)
{
  if (value === undefined)
  {
    return '–';
  }
  return value < 1 ? (value * 1000).toFixed(1) + ' ms' : value.toFixed(2) + ' s';
}

function showCounters(samples)
{
  const now = Date.now();
  const values = {};
  for (const [key, metric] of Object.entries(COUNTERS))
  {
    values[key] = sum(samples, metric);
    $('count-' + key).textContent = String(values[key]);
  }
  if (previous !== null)
  {
    const elapsedS = (now - previous.atMs) / 1000;
    const rates = {};
    for (const key of Object.keys(COUNTERS))
    {
      // a restart resets counters: show no negative rate
      rates[key] = Math.max(0, values[key] - previous.values[key]) / elapsedS;
      $('rate-' + key).textContent = rates[key].toFixed(1);
    }
    history.push(rates);
    if (history.length > HISTORY_POINTS)
    {
      history.shift();
    }
    drawChart();
  }
  previous = {atMs: now, values};
}

function drawChart()
{
  const canvas = $('throughput-chart');
  const g = canvas.getContext('2d');
  const w = canvas.width;
  const h = canvas.height;
  const pad = 30;
  g.clearRect(0, 0, w, h);
  let max = 1;
  for (const point of history)
  {
    for (const [key] of CHARTED)
    {
      max = Math.max(max, point[key]);
    }
  }
  g.fillStyle = '#555';
  g.font = '11px sans-serif';
  g.fillText(max.toFixed(0) + '/s', 2, 12);
  g.fillText('0', 2, h - pad + 4);
  g.strokeStyle = '#ccc';
  g.beginPath();
  g.moveTo(pad, h - pad);
  g.lineTo(w, h - pad);
  g.stroke();
  const x = (i) => pad + (w - pad) * (HISTORY_POINTS - history.length + i) / (HISTORY_POINTS - 1);
  const y = (v) => h - pad - (h - pad - 15) * v / max;
  for (const [key, colour] of CHARTED)
  {
    g.strokeStyle = colour;
    g.lineWidth = 1.5;
    g.beginPath();
    history.forEach((point, i) => (i === 0 ? g.moveTo(x(i), y(point[key])) : g.lineTo(x(i), y(point[key]))));
    g.stroke();
  }
}

function showLanes(samples, lanesJson)
{
  const extra = {};
  for (const lane of (lanesJson ? lanesJson.lanes : []))
  {
    extra[lane.lane] = lane;
  }
  const names = samples.filter((s) => s.name === 'dispatch_lane_in_flight').map((s) => s.labels.lane);
  fillTable('lanes', names.map((name) =>
  {
    const lane = {lane: name};
    const row = document.createElement('tr');
    row.dataset.lane = name;
    const breaker = extra[name] ? extra[name].breaker : BREAKER[find(samples, 'dispatch_lane_breaker_state', lane)];
    cell(row, name);
    cell(row, String(find(samples, 'dispatch_lane_queue_depth', {lane: name, queue: 'priority'})));
    cell(row, String(find(samples, 'dispatch_lane_queue_depth', {lane: name, queue: 'bulk'})));
    cell(row, String(find(samples, 'dispatch_lane_in_flight', lane)));
    cell(row, String(find(samples, 'dispatch_lane_window_limit', lane)));
    cell(row, breaker || '–', 'breaker-' + breaker);
    const rate = find(samples, 'dispatch_lane_rate_per_second', lane);
    cell(row, rate === 0 ? 'unlimited' : String(rate));
    cell(row, String(find(samples, 'dispatch_lane_sent_total', lane))).dataset.field = 'sent';
    cell(row, String(find(samples, 'dispatch_lane_accepted_total', lane))).dataset.field = 'accepted';
    for (const q of ['0.5', '0.99', '0.999'])
    {
      cell(row, seconds(find(samples, 'dispatch_lane_accept_latency_seconds', {lane: name, quantile: q})));
    }
    cell(row, String(sum(samples, 'dispatch_lane_dead_letters_total', lane))).dataset.field = 'dead_letters';
    return row;
  }));
}

/** Per lane and class, the wait from hand-off to the first send: with the ack latency, the engine's part of e2e. */
function showLaneWaits(samples)
{
  const series = samples.filter((s) => s.name === 'dispatch_lane_handoff_latency_seconds_count' && s.value > 0);
  fillTable('lane-waits', series.map((s) =>
  {
    const where = {lane: s.labels.lane, class: s.labels.class};
    const row = document.createElement('tr');
    row.dataset.lane = where.lane;
    row.dataset.class = where.class;
    cell(row, where.lane);
    cell(row, where.class);
    cell(row, String(s.value)).dataset.field = 'count';
    for (const q of ['0.5', '0.99', '0.999', '1.0'])
    {
      cell(row, seconds(find(samples, 'dispatch_lane_handoff_latency_seconds', Object.assign({quantile: q}, where))));
    }
    return row;
  }));
}

function showClasses(samples)
{
  const classes = samples.filter((s) => s.name === 'dispatch_ack_latency_seconds_count').map((s) => s.labels.class);
  fillTable('classes', classes.map((name) =>
  {
    const row = document.createElement('tr');
    row.dataset.class = name;
    cell(row, name);
    cell(row, String(find(samples, 'dispatch_ack_latency_seconds_count', {class: name}))).dataset.field = 'count';
    for (const q of ['0.5', '0.99', '0.999', '1.0'])
    {
      cell(row, seconds(find(samples, 'dispatch_ack_latency_seconds', {class: name, quantile: q})));
    }
    return row;
  }));
}

/** Since-start quantiles of both end-to-end spans, one row per class and span; the raw value rides in data-seconds. */
function showE2e(samples)
{
  const series = samples.filter((s) => s.name === E2E + '_count')
    .sort((a, b) => CLASSES.indexOf(a.labels.class) - CLASSES.indexOf(b.labels.class));
  fillTable('e2e', series.map((s) =>
  {
    const where = {until: s.labels.until, class: s.labels.class};
    const row = document.createElement('tr');
    row.dataset.class = where.class;
    row.dataset.until = where.until;
    cell(row, where.class);
    cell(row, UNTIL[where.until] || where.until);
    cell(row, String(s.value)).dataset.field = 'count';
    for (const q of ['0.5', '0.99', '0.999', '1.0'])
    {
      const value = find(samples, E2E, Object.assign({quantile: q}, where));
      const td = cell(row, s.value === 0 ? '–' : seconds(value));
      td.dataset.field = 'q' + q;
      td.dataset.seconds = String(value);
    }
    return row;
  }));
}

/**
 * The summaries are cumulative, so a chart of their quantiles would flatten as the counts grow: each point is instead
 * the mean latency of the messages counted since the previous poll (difference of _sum over difference of _count).
 */
function recordLatencies(samples)
{
  const now = {};
  for (const name of CLASSES)
  {
    now[name] = {};
    for (const [key, family, where] of LATENCY_SERIES)
    {
      const labels = Object.assign({class: name}, where);
      now[name][key] = [find(samples, family + '_count', labels), find(samples, family + '_sum', labels)];
    }
  }
  if (previousLatency !== null)
  {
    for (const name of CLASSES)
    {
      const point = {};
      for (const [key] of LATENCY_SERIES)
      {
        const [count, total] = now[name][key];
        const [before, totalBefore] = previousLatency[name][key];
        const n = count - before; // NaN when a series is missing, negative after a restart: no point
        point[key] = n > 0 ? Math.max(0, total - totalBefore) / n : null;
      }
      latencyHistory[name].push(point);
      if (latencyHistory[name].length > HISTORY_POINTS)
      {
        latencyHistory[name].shift();
      }
      drawLatencyChart(name);
    }
  }
  previousLatency = now;
}

/** A dot per second that had messages, joined where consecutive seconds both had some. */
function drawLatencyChart(name)
{
  const canvas = $('latency-chart-' + name);
  const points = latencyHistory[name];
  const g = canvas.getContext('2d');
  const w = canvas.width;
  const h = canvas.height;
  const pad = 30;
  g.clearRect(0, 0, w, h);
  let max = 0.001;
  for (const point of points)
  {
    for (const [key] of LATENCY_SERIES)
    {
      max = Math.max(max, point[key] || 0);
    }
  }
  g.fillStyle = '#555';
  g.font = '11px sans-serif';
  g.fillText(seconds(max), 2, 12);
  g.fillText('0', 2, h - pad + 4);
  g.strokeStyle = '#ccc';
  g.beginPath();
  g.moveTo(pad, h - pad);
  g.lineTo(w, h - pad);
  g.stroke();
  // the newest point sits a dot's width inside the right edge, so it is drawn whole
  const x = (i) => pad + (w - pad - 3) * (HISTORY_POINTS - points.length + i) / (HISTORY_POINTS - 1);
  const y = (v) => h - pad - (h - pad - 15) * v / max;
  for (const [key, , , colour] of LATENCY_SERIES)
  {
    g.strokeStyle = colour;
    g.fillStyle = colour;
    g.lineWidth = 1.5;
    g.beginPath();
    points.forEach((point, i) =>
    {
      const v = point[key];
      if (v === null)
      {
        return;
      }
      g.fillRect(x(i) - 2, y(v) - 2, 4, 4);
      if (i > 0 && points[i - 1][key] !== null)
      {
        g.lineTo(x(i), y(v));
      }
      else
      {
        g.moveTo(x(i), y(v));
      }
    });
    g.stroke();
  }
}

function showTenants(tenants)
{
  const names = Object.keys(tenants);
  fillTable('tenants', names.map((name) =>
  {
    const t = tenants[name];
    const row = document.createElement('tr');
    row.dataset.tenant = name;
    cell(row, name);
    for (const key of ['perSecond', 'smsPerSecond', 'pushPerSecond', 'chatPerSecond'])
    {
      cell(row, t[key] === 0 ? 'unlimited' : String(t[key])).dataset.field = key;
    }
    const changed = Object.entries(t.source || {}).filter(([, v]) => v !== 'config');
    cell(row, changed.length === 0 ? 'config' : changed.map(([k, v]) => k + ': ' + v).join('; '));
    return row;
  }));
  const joined = names.join('\n');
  if (joined !== tenantsShown)
  {
    // rebuild the choices only when the tenants change, so a poll does not undo the operator's pick
    tenantsShown = joined;
    $('rate-tenant').replaceChildren(...names.map((n) =>
    {
      const option = document.createElement('option');
      option.value = n;
      option.textContent = n;
      return option;
    }));
  }
}

function showDeadLetters(json)
{
  fillTable('deadletters', json.dead_letters.map((d) =>
  {
    const row = document.createElement('tr');
    row.dataset.messageId = String(d.message_id);
    for (const v of [d.message_id, new Date(d.at_ms).toISOString(), d.lane, d.tenant, d.state, d.reason, d.attempts,
      d.kind])
    {
      cell(row, String(v));
    }
    return row;
  }));
}

const CAMPAIGN_ACTIONS = {pause: ['scheduled', 'running'], resume: ['paused'], cancel: ['scheduled', 'running', 'paused']};

/**
 * Campaign rows are kept across polls and updated in place (keyed by id), so a button does not vanish under the
 * operator's pointer at the next poll; a button shows only where its action applies to the state.
 */
function showCampaigns(json)
{
  const body = document.querySelector('#campaigns tbody');
  const seen = new Set();
  for (const c of json.campaigns)
  {
    const id = String(c.id);
    seen.add(id);
    let row = body.querySelector('tr[data-campaign-id="' + id + '"]');
    if (!row)
    {
      row = document.createElement('tr');
      row.dataset.campaignId = id;
      for (const field of ['id', 'tenant', 'name', 'state', 'targeted', 'fanned_out', 'progress', 'delivered', 'failed',
        'cancelled'])
      {
        cell(row, '').dataset.field = field;
      }
      const actions = cell(row, '');
      for (const action of Object.keys(CAMPAIGN_ACTIONS))
      {
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = action;
        button.dataset.action = action;
        button.addEventListener('click', () => controlCampaign(id, action));
        actions.appendChild(button);
      }
      body.appendChild(row);
    }
    const progress = c.targeted === 0 ? '–' : Math.floor(100 * c.fanned_out / c.targeted) + ' %';
    const values = {id, tenant: c.tenant, name: c.name, state: c.state, targeted: c.targeted, fanned_out: c.fanned_out,
      progress, delivered: c.delivered, failed: c.failed, cancelled: c.cancelled};
    for (const [field, value] of Object.entries(values))
    {
      row.querySelector('td[data-field="' + field + '"]').textContent = String(value);
    }
    for (const button of row.querySelectorAll('button'))
    {
      button.hidden = !CAMPAIGN_ACTIONS[button.dataset.action].includes(c.state);
    }
  }
  for (const row of [...body.querySelectorAll('tr')])
  {
    if (!seen.has(row.dataset.campaignId))
    {
      row.remove();
    }
  }
}

async function controlCampaign(id, action)
{
  const result = $('campaign-result');
  if (action === 'cancel' && !window.confirm('Cancel campaign ' + id + '? Its unsent messages will not be sent.'))
  {
    return;
  }
  try
  {
    const answer = JSON.parse(await fetchText('/campaigns/' + encodeURIComponent(id) + '/' + action, {method: 'POST'}));
    result.textContent = 'campaign ' + answer.id + ' ' + answer.state;
    result.className = '';
  }
  catch (e)
  {
    result.textContent = e.message;
    result.className = 'error';
  }
}

async function poll()
{
  const status = $('status');
  try
  {
    const samples = parseMetrics(await fetchText('/metrics'));
    showCounters(samples);
    showClasses(samples);
    showE2e(samples);
    recordLatencies(samples);
    showLaneWaits(samples);
    let lanesJson = null;
    if (token())
    {
      const [lanes, tenants, dead, job, campaigns] = await Promise.all(
        ['/lanes', '/tenants', '/deadletters?limit=50', '/redrive', '/campaigns']
          .map((p) => fetchText(p).then(JSON.parse)));
      lanesJson = lanes;
      showCampaigns(campaigns);
      showTenants(tenants);
      showDeadLetters(dead);
      showRedriveJob(job);
    }
    showLanes(samples, lanesJson);
    status.textContent = 'updated ' + new Date().toLocaleTimeString() + (token() ? '' : ' (metrics only: no token)');
    status.className = 'status ok';
  }
  catch (e)
  {
    status.textContent = e.message === 'unauthorized' ? 'admin token needed' : 'cannot read the engine: ' + e.message;
    status.className = 'status error';
  }
  finally
  {
    setTimeout(poll, POLL_MS);
  }
}

async function changeRate(event)
{
  event.preventDefault();
  const result = $('rate-result');
  const params = new URLSearchParams({perSecond: $('rate-per-second').value});
  if ($('rate-burst').value !== '')
  {
    params.set('burst', $('rate-burst').value);
  }
  if ($('rate-channel').value !== '')
  {
    params.set('channel', $('rate-channel').value);
  }
  const tenant = encodeURIComponent($('rate-tenant').value);
  try
  {
    result.textContent = (await fetchText('/tenants/' + tenant + '/rate?' + params, {method: 'POST'})).trim();
    result.className = '';
  }
  catch (e)
  {
    result.textContent = e.message;
    result.className = 'error';
  }
}

function showRedriveJob(job)
{
  $('redrive-job').textContent = job.state === 'none' ? 'none' : 'job ' + job.job + ' ' + job.state +
    (job.explain ? ' (dry run)' : '') + ': matched ' + job.matched + ', selected ' + job.selected +
    ', published ' + job.published + (job.truncated ? ' (stopped at max)' : '');
}

// Starts a re-drive job (POST /redrive): the journal's matching dead letters go through every policy again.
async function redrive(event)
{
  event.preventDefault();
  const result = $('redrive-result');
  const params = new URLSearchParams();
  for (const [key, id] of [['reason', 'redrive-reason'], ['channel', 'redrive-channel'], ['tenant', 'redrive-tenant']])
  {
    if ($(id).value.trim() !== '')
    {
      params.set(key, $(id).value.trim());
    }
  }
  if ($('redrive-explain').checked)
  {
    params.set('explain', 'true');
  }
  try
  {
    showRedriveJob(JSON.parse(await fetchText('/redrive?' + params, {method: 'POST'})));
    result.textContent = 'started';
    result.className = '';
  }
  catch (e)
  {
    result.textContent = e.message;
    result.className = 'error';
  }
}

/** Shows one message's journaled states (GET /messages/<id>/history), its acceptance first. */
async function lookUp(event)
{
  event.preventDefault();
  const result = $('lookup-result');
  const id = $('lookup-id').value.trim();
  fillTable('history', []);
  if (!/^[0-9]+$/.test(id))
  {
    result.textContent = 'message id: a whole number, as in ACK and STATUS';
    result.className = 'error';
    return;
  }
  try
  {
    const h = JSON.parse(await fetchText('/messages/' + id + '/history'));
    result.textContent = 'tenant ' + h.tenant + ', ' + h.kind + ', ' + h.channel + (h.key ? ', key ' + h.key : '') +
      ({terminal: ' (complete)', open: ' (not final yet)'}[h.end] || ' (cut: later states may exist)');
    result.className = '';
    const accepted = {at: h.accepted_at, state: 'ACCEPTED', attempt: 0, channel: h.channel,
      reason: h.decision + (h.decision_reason === 'NONE' ? '' : ' ' + h.decision_reason)};
    fillTable('history', [accepted].concat(h.states).map((s) =>
    {
      const row = document.createElement('tr');
      row.dataset.state = s.state;
      for (const v of [s.at, s.state, s.attempt, s.channel, s.reason])
      {
        cell(row, String(v));
      }
      return row;
    }));
  }
  catch (e)
  {
    result.textContent = e.message;
    result.className = 'error';
  }
}

function start()
{
  $('token-form').addEventListener('submit', (event) =>
  {
    event.preventDefault();
    const value = $('token').value.trim();
    if (value === '')
    {
      $('token-problem').textContent = 'enter the token';
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    $('token').value = '';
    $('token-problem').textContent = '';
    $('token-form').hidden = true;
    $('forget-token').hidden = false;
  });
  $('forget-token').addEventListener('click', () => askForToken(''));
  $('rate-form').addEventListener('submit', changeRate);
  $('lookup-form').addEventListener('submit', lookUp);
  $('redrive-form').addEventListener('submit', redrive);
  if (token())
  {
    $('forget-token').hidden = false;
  }
  else
  {
    askForToken('');
  }
  poll();
}

document.addEventListener('DOMContentLoaded', start);
