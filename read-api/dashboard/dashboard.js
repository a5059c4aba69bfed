// The operators' dashboard: reads only the query API's own routes and re-reads them whenever the
// server-sent event stream says a projector applied a batch. No framework, no build step.

const pageSize = 50;
const orderStatuses = ['pending', 'confirmed', 'cancelled'];
const sagaStates = ['running', 'completed', 'compensating', 'compensated', 'stuck'];
/** The page re-reads on its own if the event stream has said nothing for this long. */
const quietRefreshMs = 30_000;

const $ = (id) => document.getElementById(id);

const view = {
  orderStatus: '',
  customerId: '',
  sagaState: '',
  ordersShown: pageSize,
  sagasShown: pageSize,
  selectedSaga: '',
};

// ---- formatting ---------------------------------------------------------------------------------

const money = new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' });
const formatMoney = (minor) => (Number.isFinite(minor) ? money.format(minor / 100) : '–');

const formatTime = (iso) => {
  if (!iso) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const seconds = Math.round((Date.now() - date.getTime()) / 1000);
  if (seconds >= 0 && seconds < 60) return `${seconds} s ago`;
  if (seconds >= 60 && seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
};

const shortId = (id) => (typeof id === 'string' && id.length > 13 ? `${id.slice(0, 8)}…${id.slice(-4)}` : String(id));

// ---- DOM helpers (textContent only: nothing from the API is ever parsed as HTML) ----------------

const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('data-') || key.startsWith('aria-') || key === 'title') node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  return node;
};

const badge = (text, value = text) => el('span', { class: 'badge', 'data-value': value, text: text ?? '–' });

const timeCell = (iso) => el('td', { title: iso ?? '', text: formatTime(iso) });

// ---- signing in: an operator's bearer token, kept for this tab only (sessionStorage, never a cookie) ----

const tokenKey = 'orders.operatorToken';
const storedToken = () => sessionStorage.getItem(tokenKey) ?? '';

class SignInNeeded extends Error {}

const askForToken = (message) => {
  sessionStorage.removeItem(tokenKey);
  $('sign-in-message').textContent = message;
  $('sign-in').hidden = false;
  setLive('reconnecting', 'signed out');
  $('sign-in-token').focus();
};

const authorized = (init = {}) => ({
  ...init,
  headers: { ...init.headers, authorization: `Bearer ${storedToken()}` },
});

// ---- reading the API ----------------------------------------------------------------------------

const getJson = async (path) => {
  const response = await fetch(path, authorized({ headers: { accept: 'application/json' }, cache: 'no-store' }));
  if (response.status === 401 || response.status === 403) {
    askForToken(
      response.status === 401 ? 'The token was refused (expired?): sign in again.' : 'This token has no operator role.',
    );
    throw new SignInNeeded();
  }
  if (response.status === 404) return undefined;
  if (!response.ok) {
    let detail = response.statusText;
    try {
      detail = (await response.json()).detail ?? detail;
    } catch {}
    throw new Error(`${path}: ${response.status} ${detail}`);
  }
  return response.json();
};

const query = (params) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== '' && value !== undefined) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** Reads page after page until `wanted` items (the ones on screen) or the end. */
const readPages = async (path, filters, wanted) => {
  const items = [];
  let cursor;
  do {
    const limit = Math.min(100, wanted - items.length);
    const page = await getJson(`${path}${query({ ...filters, limit, cursor })}`);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length < wanted);
  return { items, more: Boolean(cursor) };
};

// ---- rendering ----------------------------------------------------------------------------------

const renderCounts = (target, names, counts) => {
  target.replaceChildren(
    ...names.flatMap((name) => [
      el('dt', {}, badge(name)),
      el('dd', { 'data-count': name, text: String(counts?.[name] ?? 0) }),
    ]),
  );
};

/** Records behind is what matters; an old last event only means the shop is quiet, not a problem. */
const lagLevel = (projection) => {
  const behind = Number(projection.lag ?? 0);
  if (behind > 10_000) return 'bad';
  if (behind > 1_000) return 'warn';
  return 'ok';
};

const lagCell = (projection) => {
  const behind = Number(projection.lag ?? 0);
  const last = projection.lastEventAt ? `last event ${formatTime(projection.lastEventAt)}` : 'no event yet';
  return el(
    'td',
    { title: projection.groupId },
    el('div', { class: 'lag-value', text: behind === 0 ? 'caught up' : `${behind} behind` }),
    el('div', { class: 'muted small', text: last }),
  );
};

const renderSparkline = (minutes) => {
  const peak = Math.max(1, ...minutes.map((m) => m.count));
  $('orders-sparkline').replaceChildren(
    ...minutes.map((m) => {
      const bar = el('span', { class: 'bar', title: `${m.minute} UTC: ${m.count}` });
      // Through the CSSOM, which the page's style policy allows (a style attribute it would not).
      bar.style.height = `${Math.max(4, Math.round((m.count / peak) * 100))}%`;
      return bar;
    }),
  );
};

const renderSummary = (summary) => {
  renderCounts($('orders-by-status'), orderStatuses, summary.ordersByStatus);
  renderCounts($('sagas-by-state'), sagaStates, summary.sagasByState);
  renderCounts($('notifications'), ['sent', 'failed'], summary.notifications);
  const minutes = Array.isArray(summary.ordersPerMinute) ? summary.ordersPerMinute : [];
  const current = minutes.at(-1)?.count ?? 0;
  const previous = minutes.at(-2)?.count ?? 0;
  const lastHour = minutes.reduce((sum, m) => sum + m.count, 0);
  $('orders-per-minute').textContent = String(current);
  $('orders-per-minute-note').textContent =
    `so far this minute · ${previous} the minute before · ${lastHour} in the last hour`;
  renderSparkline(minutes);
  const top = summary.topSkus ?? [];
  $('top-skus').replaceChildren(
    ...(top.length > 0
      ? top.map((entry) =>
          el(
            'li',
            {},
            el('span', { class: 'mono', text: entry.sku }),
            el('span', { class: 'qty', text: String(entry.unitsSold) }),
          ),
        )
      : [el('li', { class: 'muted', text: 'no sales yet' })]),
  );
  const projections = summary.projections ?? [];
  if (summary.projections === null) {
    $('projection-lag').replaceChildren(
      el('tr', { 'data-level': 'bad' }, el('td', { text: `unknown: ${summary.projectionLagError ?? 'no answer'}` })),
    );
    return;
  }
  $('projection-lag').replaceChildren(
    ...(projections.length > 0
      ? projections.map((projection) =>
          el(
            'tr',
            { 'data-level': lagLevel(projection), 'data-projection': projection.projector },
            el('td', { text: projection.projector }),
            lagCell(projection),
          ),
        )
      : [el('tr', {}, el('td', { class: 'muted', text: 'no projector has reported yet' }))]),
  );
};

const lineCount = (order) => (Array.isArray(order.items) ? order.items.length : 0);

const renderOrders = ({ items, more }, previous) => {
  $('orders-rows').replaceChildren(
    ...items.map((order) => {
      const row = el(
        'tr',
        { 'data-order-id': order.orderId, 'data-status': order.status, title: 'Show the saga of this order' },
        el('td', { class: 'mono', title: order.orderId, text: shortId(order.orderId) }),
        el('td', { class: 'mono', title: order.customerId, text: order.customerId }),
        el(
          'td',
          {},
          badge(order.status),
          order.cancellationReason
            ? el('span', { class: 'reason muted small', text: order.cancellationReason.replaceAll('_', ' ') })
            : undefined,
        ),
        el('td', { class: 'num', text: formatMoney(order.total) }),
        el('td', { class: 'num', text: String(lineCount(order)) }),
        timeCell(order.updatedAt),
      );
      if (previous && previous.get(order.orderId) !== order.status) row.classList.add('flash');
      row.addEventListener('click', () => selectSaga(order.orderId));
      return row;
    }),
  );
  $('orders-empty').hidden = items.length > 0;
  $('orders-more').hidden = !more;
};

const renderSagas = ({ items, more }) => {
  $('sagas-rows').replaceChildren(
    ...items.map((saga) => {
      const row = el(
        'tr',
        {
          'data-saga-order-id': saga.orderId,
          'data-state': saga.state,
          'aria-selected': String(saga.orderId === view.selectedSaga),
          title: 'Show the step timeline',
        },
        el('td', { class: 'mono', title: saga.orderId, text: shortId(saga.orderId) }),
        el('td', {}, badge(saga.state)),
        el('td', { text: saga.step ?? '–' }),
        timeCell(saga.startedAt),
        el('td', { class: 'error-text', title: saga.lastError ?? '', text: saga.lastError ?? '' }),
      );
      row.addEventListener('click', () => selectSaga(saga.orderId));
      return row;
    }),
  );
  $('sagas-empty').hidden = items.length > 0;
  $('sagas-more').hidden = !more;
};

const fact = (name, value) => [el('dt', { text: name }), el('dd', {}, value)];

const renderSaga = (saga) => {
  const panel = $('saga-detail');
  if (!saga) {
    $('saga-detail-title').replaceChildren('Saga of order ', el('span', { class: 'mono', text: view.selectedSaga }));
    $('saga-facts').replaceChildren(...fact('state', 'not started yet (no saga for this order)'));
    $('saga-timeline').replaceChildren();
    $('saga-deadlines').replaceChildren();
    panel.hidden = false;
    return;
  }
  $('saga-detail-title').replaceChildren('Saga of order ', el('span', { class: 'mono', text: saga.orderId }));
  $('saga-facts').replaceChildren(
    ...fact('saga', el('span', { class: 'mono', text: saga.sagaId })),
    ...fact('state', badge(saga.state)),
    ...fact('current step', saga.step ?? '–'),
    ...fact('started', saga.startedAt ? new Date(saga.startedAt).toLocaleString() : '–'),
    ...fact('ended', saga.endedAt ? new Date(saga.endedAt).toLocaleString() : '–'),
    ...(saga.lastError ? fact('last error', el('span', { class: 'error-text', text: saga.lastError })) : []),
  );
  const steps = saga.steps ?? [];
  $('saga-timeline').replaceChildren(
    ...(steps.length > 0
      ? steps.map((step) =>
          el(
            'li',
            { 'data-status': step.status },
            el(
              'div',
              { class: 'step-head' },
              el('span', { class: 'step-name', text: step.name }),
              badge(step.status.replaceAll('_', ' '), step.status),
              el('span', {
                class: 'muted small',
                title: step.at,
                text: step.at ? new Date(step.at).toLocaleTimeString() : '',
              }),
            ),
            step.detail ? el('div', { class: 'step-detail', text: step.detail }) : undefined,
            step.by ? el('div', { class: 'muted small', text: `by ${step.by.subject} (${step.by.role})` }) : undefined,
          ),
        )
      : [el('li', { class: 'muted', text: 'no steps yet' })]),
  );
  const deadlines = Array.isArray(saga.deadlines) ? saga.deadlines : [];
  $('saga-deadlines').replaceChildren(
    ...(deadlines.length > 0
      ? deadlines.flatMap((deadline) =>
          fact(
            deadline.stepId ? `${deadline.name} (${deadline.stepId})` : deadline.name,
            el('span', { title: deadline.dueAt, text: `due ${new Date(deadline.dueAt).toLocaleString()}` }),
          ),
        )
      : fact('none pending', '')),
  );
  panel.hidden = false;
};

// ---- refreshing ---------------------------------------------------------------------------------

let refreshing = false;
let refreshAgain = false;
let lastOrders;

const refresh = async () => {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = true;
  try {
    const [summary, orders, sagas, saga] = await Promise.all([
      getJson('/dashboard/summary'),
      readPages('/orders', { status: view.orderStatus, customerId: view.customerId }, view.ordersShown),
      readPages('/sagas', { state: view.sagaState }, view.sagasShown),
      view.selectedSaga ? getJson(`/sagas/${encodeURIComponent(view.selectedSaga)}`) : Promise.resolve(null),
    ]);
    renderSummary(summary);
    renderOrders(orders, lastOrders);
    lastOrders = new Map(orders.items.map((order) => [order.orderId, order.status]));
    renderSagas(sagas);
    if (view.selectedSaga) renderSaga(saga);
    $('error-banner').hidden = true;
    $('updated-at').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    if (error instanceof SignInNeeded) return;
    $('error-banner').textContent = `Could not refresh: ${error.message}`;
    $('error-banner').hidden = false;
  } finally {
    refreshing = false;
    if (refreshAgain) {
      refreshAgain = false;
      void refresh();
    }
  }
};

const selectSaga = (orderId) => {
  view.selectedSaga = orderId;
  saveView();
  void refresh();
};

// ---- filters kept in the address, so a reload or a shared link shows the same view -----------

const saveView = () => {
  const params = query({
    status: view.orderStatus,
    customerId: view.customerId,
    state: view.sagaState,
    saga: view.selectedSaga,
  });
  history.replaceState(null, '', `${location.pathname}${params}`);
};

const loadView = () => {
  const params = new URLSearchParams(location.search);
  view.orderStatus = orderStatuses.includes(params.get('status')) ? params.get('status') : '';
  view.sagaState = sagaStates.includes(params.get('state')) ? params.get('state') : '';
  view.customerId = (params.get('customerId') ?? '').slice(0, 200);
  view.selectedSaga = (params.get('saga') ?? '').slice(0, 200);
  $('order-status-filter').value = view.orderStatus;
  $('saga-state-filter').value = view.sagaState;
  $('order-customer-filter').value = view.customerId;
};

const wireControls = () => {
  let typing;
  $('order-status-filter').addEventListener('change', (event) => {
    view.orderStatus = event.target.value;
    view.ordersShown = pageSize;
    saveView();
    void refresh();
  });
  $('order-customer-filter').addEventListener('input', (event) => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      view.customerId = event.target.value.trim();
      view.ordersShown = pageSize;
      saveView();
      void refresh();
    }, 300);
  });
  $('saga-state-filter').addEventListener('change', (event) => {
    view.sagaState = event.target.value;
    view.sagasShown = pageSize;
    saveView();
    void refresh();
  });
  for (const form of [$('orders-filters'), $('sagas-filters')])
    form.addEventListener('submit', (e) => e.preventDefault());
  $('orders-more').addEventListener('click', () => {
    view.ordersShown += pageSize;
    void refresh();
  });
  $('sagas-more').addEventListener('click', () => {
    view.sagasShown += pageSize;
    void refresh();
  });
  $('saga-detail-close').addEventListener('click', () => {
    view.selectedSaga = '';
    $('saga-detail').hidden = true;
    saveView();
    void refresh();
  });
};

// ---- live updates -------------------------------------------------------------------------------

const setLive = (state, text) => {
  $('live').dataset.state = state;
  $('live-text').textContent = text;
};

let lastEventAt = Date.now();
let pending;
/** Bursts of change events become one refresh. */
const scheduleRefresh = () => {
  lastEventAt = Date.now();
  if (pending !== undefined) return;
  pending = setTimeout(() => {
    pending = undefined;
    void refresh();
  }, 100);
};

/**
 * EventSource cannot send a header, and a token in a URL ends up in logs: each connection first trades
 * the token for a single-use ticket that lives seconds (POST /dashboard/events/tickets), then opens
 * `/dashboard/events?ticket=…`. A dropped stream is reopened the same way, with a new ticket.
 */
let events;
let reconnectTimer;
const connect = async () => {
  clearTimeout(reconnectTimer);
  events?.close();
  if (!storedToken()) return;
  let ticket;
  try {
    const response = await fetch('/dashboard/events/tickets', authorized({ method: 'POST', cache: 'no-store' }));
    if (response.status === 401 || response.status === 403) {
      askForToken(
        response.status === 401
          ? 'The token was refused (expired?): sign in again.'
          : 'This token has no operator role.',
      );
      return;
    }
    if (!response.ok) throw new Error(String(response.status));
    ticket = (await response.json()).ticket;
  } catch {
    setLive('reconnecting', 'reconnecting…');
    reconnectTimer = setTimeout(connect, 3_000);
    return;
  }
  events = new EventSource(`/dashboard/events?ticket=${encodeURIComponent(ticket)}`);
  events.addEventListener('ready', () => {
    setLive('live', 'live');
    scheduleRefresh();
  });
  events.addEventListener('change', scheduleRefresh);
  events.addEventListener('refresh', scheduleRefresh);
  events.addEventListener('error', () => {
    // The ticket is spent: the browser's own reconnect would be refused, so reconnect with a new one.
    events.close();
    setLive('reconnecting', 'reconnecting…');
    reconnectTimer = setTimeout(connect, 1_000);
  });
};

const start = () => {
  $('sign-in').hidden = true;
  void connect();
  void refresh();
};

$('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = $('sign-in-token')
    .value.trim()
    .replace(/^Bearer\s+/i, '');
  if (!token) return;
  sessionStorage.setItem(tokenKey, token);
  $('sign-in-token').value = '';
  start();
});

loadView();
wireControls();
setInterval(() => {
  if (storedToken() && Date.now() - lastEventAt > quietRefreshMs) scheduleRefresh();
}, quietRefreshMs / 2);
if (storedToken()) start();
else askForToken('Paste an operator token: npm run -s ops -- auth token --role operator --subject <you>');
