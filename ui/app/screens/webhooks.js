// ui/app/screens/webhooks.js - the Webhooks screen (issue 10): inbound endpoints with their
// recent deliveries (docs/webhooks.md), and outbound subscriptions with their deliveries, dead
// letters and replay (docs/webhooks-outbound.md).
//
// Operators and viewers read the endpoints and their deliveries; everything else here is the
// admin's (roles.js: changeWebhooks, readSubscriptions). Secrets are write-only, except a new
// subscription's, which the server shows exactly once.
import { h, append, replace, field, table, when, jsonBlock, link } from '../dom.js';
import * as api from '../api.js';
import { can } from '../roles.js';
import { button, confirm, toast, pagedList, heading, submitForm, shownOnce } from '../ui.js';

// dom.js append() skips null and false children (Element.append would print "null").
const add = (el, ...children) => append(el, children);

const enc = encodeURIComponent;
const SCHEMES = ['github', 'slack', 'jira', 'bamboohr', 'standard', 'hmac', 'unsigned'];
const ACTIONS = ['start', 'message', 'slack_approval'];
const EVENTS = ['instance.started', 'instance.completed', 'instance.failed', 'instance.canceled',
  'task.created', 'task.completed', 'incident.opened', 'incident.resolved'];

function stateBadge(state) {
  const kind = { done: 'ok', delivered: 'ok', failed: 'bad', dead: 'bad', pending: 'warn' }[state] || '';
  return h('span', { class: `badge ${kind}` }, state || '-');
}

function instanceLink(key) {
  return key ? link(`#/instances/${enc(key)}`, key) : '-';
}

// The chosen option is marked 'selected' (not only set as the value) so form.reset() returns
// to it.
function select(name, options, value) {
  return h('select', { name }, options.map((o) => h('option', { value: o, selected: o === value }, o)));
}


// ---- inbound endpoints ----

function endpointDeliveries(ep, into) {
  const box = h('div', {});
  replace(into, h('section', { class: 'card', 'aria-labelledby': 'ep-deliveries-title' },
    h('h3', { id: 'ep-deliveries-title', tabindex: '-1' }, `Recent deliveries of /hooks/${ep.name}`),
    h('p', { class: 'hint' }, 'Bodies are not kept here; the instance a delivery started or moved is linked.'),
    box));
  pagedList(box, (after) => api.get(`/api/webhooks/endpoints/${enc(ep.name)}/deliveries`, { after }),
    (items) => table(`Deliveries of ${ep.name}`, [
      { title: 'Key', cell: (d) => d.key },
      { title: 'Delivery id', cell: (d) => h('code', {}, d.delivery_id || '-') },
      { title: 'State', cell: (d) => stateBadge(d.state) },
      { title: 'Attempts', cell: (d) => String(d.attempts ?? 0) },
      { title: 'Received', cell: (d) => when(d.received_at) },
      { title: 'Done', cell: (d) => when(d.done_at) },
      { title: 'Instance', cell: (d) => instanceLink(d.instance_key) },
      { title: 'Error', cell: (d) => d.error || '-' },
    ], items, 'No deliveries yet.'));
  into.querySelector('h3').focus();
}

// The PUT body that keeps an API endpoint as it is but for 'change' (PUT replaces all of it).
// A BPMN endpoint takes only secret, previous_secret, enabled and options.
function endpointBody(ep, change) {
  if (ep.source === 'bpmn') return change;
  const body = { scheme: ep.scheme, action: ep.action, options: ep.options || {}, enabled: ep.enabled };
  if (ep.process_id) body.processId = ep.process_id;
  if (ep.message_name) body.messageName = ep.message_name;
  if (ep.correlation_key) body.correlationKey = ep.correlation_key;
  if (ep.variables) body.variables = ep.variables;
  if (ep.scheme === 'unsigned') body.unsigned = true;
  return { ...body, ...change };
}

function secretForm(ep, reload) {
  const secret = h('input', { type: 'password', name: 'secret', autocomplete: 'new-password', required: true });
  const previous = h('input', { type: 'password', name: 'previousSecret', autocomplete: 'new-password' });
  const put = async (change, done) => {
    await api.put(`/api/webhooks/endpoints/${enc(ep.name)}`, endpointBody(ep, change));
    toast(done);
    reload();
  };
  return submitForm({ class: 'card', 'aria-label': `Secret of ${ep.name}` }, [
    h('h3', {}, `Secret of /hooks/${ep.name}`),
    h('p', { class: 'hint' }, 'Secrets are write-only: they are sealed and never shown again.'),
    h('div', { class: 'form-row' },
      field('New secret', secret),
      // The server keeps no copy for the browser to move into "previous": to rotate, the admin
      // types the old secret again, and it stays accepted beside the new one.
      field('Previous secret (optional)', previous, 'still accepted while the sender rotates; empty: only the new one')),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Set secret'),
      ep.secret_set && button('Clear secret', async () => {
        if (!await confirm(`Clear the secrets of /hooks/${ep.name}? It then refuses every delivery.`, 'Clear')) return;
        await put({ secret: null, previous_secret: null }, `Secret of ${ep.name} cleared.`);
      }, { class: 'danger' }))], async () => {
    try {
      await put({ secret: secret.value, previous_secret: previous.value || null }, `Secret of ${ep.name} set.`);
    } finally {
      secret.value = '';
      previous.value = '';
    }
  });
}

function newEndpointForm(reload) {
  const name = h('input', { name: 'endpointName', required: true, pattern: '[a-z0-9][a-z0-9_\\-]{0,63}', autocomplete: 'off' });
  const scheme = select('scheme', SCHEMES, 'standard');
  const action = select('action', ACTIONS, 'start');
  const processId = h('input', { name: 'processId', autocomplete: 'off' });
  const messageName = h('input', { name: 'messageName', autocomplete: 'off' });
  const correlationKey = h('input', { name: 'correlationKey', autocomplete: 'off', placeholder: '=body.order' });
  const variables = h('input', { name: 'variables', autocomplete: 'off', placeholder: '={body: body}' });
  const secret = h('input', { type: 'password', name: 'secret', autocomplete: 'new-password' });
  const enabled = h('input', { type: 'checkbox', name: 'enabled' });
  enabled.defaultChecked = true; // what form.reset() comes back to
  const forStart = field('Process id (action start)', processId);
  const forMessage = h('div', { class: 'form-row' },
    field('Message name (action message)', messageName),
    field('Correlation key (FEEL over body, headers)', correlationKey));
  const sync = () => {
    forStart.hidden = action.value !== 'start';
    forMessage.hidden = action.value !== 'message';
  };
  action.addEventListener('change', sync);
  sync();
  return submitForm({ class: 'card create-form', 'aria-labelledby': 'new-endpoint-title' }, [
    h('h3', { id: 'new-endpoint-title' }, 'New or replaced endpoint'),
    h('p', { class: 'hint' }, 'Endpoints declared in BPMN (ordo:webhook) come with their deployment: set only their secret here.'),
    h('div', { class: 'form-row' },
      field('Name (the path /hooks/NAME)', name),
      field('Signature scheme', scheme, 'unsigned checks nothing: loopback listeners only'),
      field('Action', action)),
    forStart, forMessage,
    field('Variables (FEEL over body, headers; optional)', variables),
    field('Secret (optional now; deliveries are refused until one is set)', secret),
    h('label', { class: 'inline' }, enabled, ' Enabled'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save endpoint'))], async (form) => {
    const body = { scheme: scheme.value, action: action.value, enabled: enabled.checked };
    if (action.value === 'start' && processId.value.trim()) body.processId = processId.value.trim();
    if (action.value === 'message') {
      if (messageName.value.trim()) body.messageName = messageName.value.trim();
      if (correlationKey.value.trim()) body.correlationKey = correlationKey.value.trim();
    }
    if (variables.value.trim()) body.variables = variables.value.trim();
    if (scheme.value === 'unsigned') body.unsigned = true;
    if (secret.value) body.secret = secret.value;
    try {
      await api.put(`/api/webhooks/endpoints/${enc(name.value.trim())}`, body);
    } finally {
      secret.value = '';
    }
    toast(`Endpoint ${name.value.trim()} saved.`);
    form.reset();
    sync();
    reload();
  });
}

function renderEndpoints(section) {
  const listBox = h('div', {});
  const detail = h('div', {});
  const reload = () => list.reload();
  const admin = can.changeWebhooks();
  add(section, h('h2', {}, 'Inbound endpoints'), listBox, detail, admin ? newEndpointForm(reload) : null);
  const list = pagedList(listBox, (after) => api.get('/api/webhooks/endpoints', { after }), (items) => table('Inbound webhook endpoints', [
    { title: 'Path', cell: (ep) => h('code', {}, `/hooks/${ep.name}`) },
    { title: 'Scheme', cell: (ep) => ep.scheme },
    {
      title: 'Does',
      cell: (ep) => {
        if (ep.action === 'start') return ['start ', h('code', {}, ep.process_id || '?'), ep.element_id ? ` at ${ep.element_id}` : ''];
        if (ep.action === 'message') return ['message ', h('code', {}, ep.message_name || '?')];
        return ep.action;
      },
    },
    { title: 'From', cell: (ep) => (ep.source === 'bpmn' ? `BPMN (definition ${ep.definition_key})` : 'API') },
    {
      title: 'State',
      cell: (ep) => [
        h('span', { class: `badge ${ep.enabled && !ep.suspended ? 'ok' : 'warn'}` }, ep.suspended ? 'suspended' : (ep.enabled ? 'enabled' : 'disabled')), ' ',
        h('span', { class: `badge ${ep.secret_set || ep.scheme === 'unsigned' ? 'ok' : 'bad'}` },
          ep.scheme === 'unsigned' ? 'unsigned' : (ep.secret_set ? 'secret set' : 'no secret: refuses all')),
      ],
    },
    {
      title: 'Actions',
      cell: (ep) => h('div', { class: 'actions' },
        button('Deliveries', () => endpointDeliveries(ep, detail), { ariaLabel: `Deliveries of ${ep.name}` }),
        admin && ep.scheme !== 'unsigned' && button('Set secret', () => {
          replace(detail, secretForm(ep, reload));
          detail.querySelector('input').focus();
        }, { ariaLabel: `Set secret of ${ep.name}` }),
        admin && button(ep.enabled ? 'Disable' : 'Enable', async () => {
          await api.put(`/api/webhooks/endpoints/${enc(ep.name)}`, endpointBody(ep, { enabled: !ep.enabled }));
          toast(`Endpoint ${ep.name} ${ep.enabled ? 'disabled' : 'enabled'}.`);
          reload();
        }, { ariaLabel: `${ep.enabled ? 'Disable' : 'Enable'} ${ep.name}` }),
        admin && ep.source !== 'bpmn' && button('Delete', async () => {
          if (!await confirm(`Delete the endpoint /hooks/${ep.name}? Senders get 404 from now on.`, 'Delete')) return;
          await api.del(`/api/webhooks/endpoints/${enc(ep.name)}`);
          toast(`Endpoint ${ep.name} deleted.`);
          replace(detail);
          reload();
        }, { class: 'danger', ariaLabel: `Delete ${ep.name}` })),
    },
  ], items, 'No inbound endpoints. Deploy a process with ordo:webhook, or create one below.'));
}

// ---- outbound subscriptions ----

function attemptsTable(ev) {
  return table(`Attempts of event ${ev.seq}`, [
    { title: '#', cell: (a) => String(a.attempt) },
    { title: 'At', cell: (a) => when(a.at) },
    { title: 'Status', cell: (a) => (a.status ? String(a.status) : 'no answer') },
    { title: 'Latency', cell: (a) => (a.latencyMs !== null && a.latencyMs !== undefined ? `${a.latencyMs} ms` : '-') },
    { title: 'Error', cell: (a) => a.error || '-' },
  ], ev.attempts || [], 'Not tried yet.');
}

function subscriptionDeliveries(sub, into, reloadSubs) {
  const box = h('div', {});
  let state = '';
  const filter = select('state', ['', 'pending', 'delivered', 'dead'], '');
  filter.firstChild.textContent = 'all';
  filter.id = 'sub-delivery-state';
  const replayAll = can.readSubscriptions() && button('Replay all dead letters', async () => {
    const r = await api.post(`/api/webhooks/subscriptions/${enc(sub.key)}/replay`, {});
    toast(`${r.replayed} dead letter(s) sent again.`);
    list.reload();
  });
  replace(into, h('section', { class: 'card', 'aria-labelledby': 'sub-deliveries-title' },
    h('h3', { id: 'sub-deliveries-title', tabindex: '-1' }, `Deliveries to ${sub.url}`),
    h('form', { class: 'filters', role: 'search', onsubmit: (ev) => ev.preventDefault() },
      h('div', { class: 'field' }, h('label', { for: filter.id }, 'State'), filter),
      replayAll),
    box));
  filter.addEventListener('change', () => {
    state = filter.value;
    list.reload();
  });
  const list = pagedList(box, (after) => api.get(`/api/webhooks/subscriptions/${enc(sub.key)}/deliveries`, { state, after }),
    (items, first) => table(`Deliveries of subscription ${sub.key}`, [
      { title: 'Event', cell: (ev) => [h('code', {}, ev.event), h('br', {}), h('small', {}, ev.msgId || '')] },
      { title: 'Instance', cell: (ev) => instanceLink(ev.instanceKey) },
      { title: 'State', cell: (ev) => stateBadge(ev.state) },
      { title: 'Attempts', cell: (ev) => String(ev.attemptCount ?? 0) },
      { title: 'Created', cell: (ev) => when(ev.createdAt) },
      { title: 'Next try / delivered', cell: (ev) => (ev.state === 'delivered' ? when(ev.deliveredAt) : (ev.state === 'pending' ? when(ev.dueAt) : '-')) },
      { title: 'Last error', cell: (ev) => ev.lastError || (ev.lastStatus ? `HTTP ${ev.lastStatus}` : '-') },
      {
        title: 'Details',
        cell: (ev) => h('div', {},
          h('details', {}, h('summary', {}, 'Attempts and payload'), attemptsTable(ev), jsonBlock(ev.payload, `Payload of event ${ev.seq}`)),
          ev.state === 'dead' && button('Replay', async () => {
            // No body at all: this route takes none, and api.post's default {} is refused with 413.
            await api.request('POST', `/api/webhooks/outbox/${enc(ev.seq)}/replay`);
            toast(`Event ${ev.seq} is pending again.`);
            list.reload();
            reloadSubs();
          }, { ariaLabel: `Replay dead letter ${ev.seq}` })),
      },
    ], items, first ? 'No deliveries in this state.' : 'No more.'));
  into.querySelector('h3').focus();
}

function newSubscriptionForm(onCreated) {
  const url = h('input', { name: 'url', type: 'url', required: true, autocomplete: 'off', placeholder: 'https://hooks.example.com/ordo' });
  const description = h('input', { name: 'description', autocomplete: 'off' });
  const secret = h('input', { type: 'password', name: 'secret', autocomplete: 'new-password' });
  const all = h('input', { type: 'checkbox', name: 'event', value: '*' });
  const boxes = EVENTS.map((e) => h('input', { type: 'checkbox', name: 'event', value: e }));
  all.addEventListener('change', () => {
    for (const b of boxes) b.disabled = all.checked;
  });
  return submitForm({ class: 'card create-form', 'aria-labelledby': 'new-sub-title' }, [
    h('h3', { id: 'new-sub-title' }, 'New subscription'),
    h('div', { class: 'form-row' },
      field('URL', url),
      field('Description (optional)', description),
      field('Secret (optional: whsec_...; generated when empty)', secret)),
    h('fieldset', { class: 'event-checks' }, h('legend', {}, 'Events'),
      h('label', { class: 'inline' }, all, ' every event (*), also types added later'),
      boxes.map((b) => h('label', { class: 'inline' }, b, ` ${b.value}`))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Subscribe'))], async (form) => {
    const events = all.checked ? ['*'] : boxes.filter((b) => b.checked).map((b) => b.value);
    const body = { url: url.value.trim(), events };
    if (description.value.trim()) body.description = description.value.trim();
    if (secret.value) body.secret = secret.value;
    let sub;
    try {
      sub = await api.post('/api/webhooks/subscriptions', body);
    } finally {
      secret.value = '';
    }
    form.reset();
    for (const b of boxes) b.disabled = false;
    onCreated(sub);
  });
}

function renderSubscriptions(section) {
  const listBox = h('div', {});
  const detail = h('div', {});
  const once = h('div', {});
  const reload = () => list.reload();
  add(section, h('h2', {}, 'Outbound subscriptions'),
    h('p', { class: 'hint' }, 'Signed events (Standard Webhooks) POSTed to your URLs, at least once, with retries; what fails every retry becomes a dead letter you can replay.'),
    newSubscriptionForm((sub) => {
      replace(once, shownOnce(`Signing secret of the subscription to ${sub.url}`, sub.secret));
      toast('Subscribed.');
      reload();
    }), once, listBox, detail);
  const list = pagedList(listBox, (after) => api.get('/api/webhooks/subscriptions', { after }), (items) => table('Outbound webhook subscriptions', [
    { title: 'Key', cell: (s) => s.key },
    { title: 'URL', cell: (s) => [h('code', {}, s.url), s.description ? [h('br', {}), h('small', {}, s.description)] : null] },
    { title: 'Events', cell: (s) => (s.events || []).join(', ') },
    {
      title: 'State',
      cell: (s) => [
        h('span', { class: `badge ${s.enabled ? 'ok' : 'bad'}` }, s.enabled ? 'enabled' : 'disabled'),
        s.disabledReason ? [h('br', {}), h('small', {}, s.disabledReason)] : null,
        s.failingSince ? [h('br', {}), h('span', { class: 'badge warn' }, `failing since ${when(s.failingSince)}`)] : null,
      ],
    },
    { title: 'Created', cell: (s) => [when(s.createdAt), h('br', {}), h('small', {}, s.createdBy || '')] },
    {
      title: 'Actions',
      cell: (s) => h('div', { class: 'actions' },
        button('Deliveries', () => subscriptionDeliveries(s, detail, reload), { ariaLabel: `Deliveries to ${s.url} (subscription ${s.key})` }),
        button(s.enabled ? 'Disable' : 'Enable', async () => {
          await api.patch(`/api/webhooks/subscriptions/${enc(s.key)}`, { enabled: !s.enabled });
          toast(`Subscription ${s.key} ${s.enabled ? 'disabled' : 'enabled'}.`);
          reload();
        }, { ariaLabel: `${s.enabled ? 'Disable' : 'Enable'} subscription ${s.key}` }),
        button('Delete', async () => {
          if (!await confirm(`Delete the subscription to ${s.url} and all its events, dead letters too?`, 'Delete')) return;
          await api.del(`/api/webhooks/subscriptions/${enc(s.key)}`);
          toast(`Subscription ${s.key} deleted.`);
          replace(detail);
          reload();
        }, { class: 'danger', ariaLabel: `Delete subscription ${s.key}` })),
    },
  ], items, 'No subscriptions yet.'));
}

export function render(main) {
  const inbound = h('section', { class: 'webhooks-inbound' });
  add(main, heading('Webhooks'), inbound);
  renderEndpoints(inbound);
  if (can.readSubscriptions()) {
    const outbound = h('section', { class: 'webhooks-outbound' });
    add(main, outbound);
    renderSubscriptions(outbound);
  }
}
