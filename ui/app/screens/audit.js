// ui/app/screens/audit.js - the Audit screen (issue 10): the audit log searched by instance,
// actor and time (GET /api/audit, docs/audit.md), and the hash chain checked on demand
// (GET /api/audit/verify). '#/audit/<instanceKey>' opens it filtered to one instance, so other
// screens can link here.
import { h, append, replace, table, when, jsonBlock, link } from '../dom.js';
import * as api from '../api.js';
import { heading, notice, errorNotice, button, pagedList, filters } from '../ui.js';

// dom.js append() skips null and false children (Element.append would print "null").
const add = (el, ...children) => append(el, children);

// datetime-local gives local wall-clock time without a zone; the API takes RFC 3339, so the
// browser's zone is applied here. Anything unparsable goes through as typed, and the server's
// 400 says why.
function rfc3339(local) {
  if (!local) return '';
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}

// The verify answer for people. Only a chain that verifies says "verified": the lead's
// end-to-end test (and a reader skimming) keys on that word.
function verifyOutcome(r) {
  const keys = (r.public_keys || []).join(', ') || 'none';
  const counts = `${r.rows} rows in ${r.seals} seals (seal ${r.first_seal} to ${r.last_seal}); `
    + `${r.unsealed} not sealed yet; ${r.purged} purged rows covered by ${r.anchors} anchors.`;
  if (r.ok) {
    return notice('ok',
      h('strong', {}, 'Chain verified. '), counts,
      h('div', { class: 'mono' }, `Head: ${r.head || '-'}`),
      h('div', { class: 'mono' }, `Signing keys: ${keys}`));
  }
  const p = r.problem || {};
  return notice('error',
    h('strong', {}, 'The chain does NOT check out. '), p.message || 'no reason given',
    h('div', {}, `At seal ${p.seal ?? '-'}, row ${p.row ?? '-'}${p.anchor ? `, anchor ${p.anchor}` : ''}. `,
      'Checked before the problem: ', counts),
    h('div', { class: 'mono' }, `Signing keys: ${keys}`));
}

const columns = [
  { title: 'Seq', cell: (r) => r.seq },
  { title: 'Time', cell: (r) => when(r.time) },
  { title: 'Actor', cell: (r) => r.actor || '-' },
  { title: 'Action', cell: (r) => h('code', {}, r.action) },
  { title: 'Instance', cell: (r) => (r.instanceKey ? link(`#/instances/${encodeURIComponent(r.instanceKey)}`, r.instanceKey) : '-') },
  { title: 'Element', cell: (r) => r.elementId || '-' },
  {
    title: 'Details',
    cell: (r) => (r.payload && Object.keys(r.payload).length
      ? h('details', {}, h('summary', {}, 'Payload'), jsonBlock(r.payload, `Payload of audit row ${r.seq}`))
      : '-'),
  },
];

export function render(main, params) {
  const result = h('div', { class: 'verify-result', role: 'status', 'aria-live': 'polite' });
  const verify = button('Verify chain', async () => {
    replace(result, notice('info', 'Verifying the chain...'));
    try {
      replace(result, verifyOutcome(await api.get('/api/audit/verify')));
    } catch (e) {
      replace(result, errorNotice(e));
    }
  }, { class: 'primary' });

  let query = { instanceKey: params[0] || '', actor: '', from: '', to: '' };
  const listBox = h('div', { class: 'audit-list' });
  const form = filters([
    { name: 'instanceKey', label: 'Instance key', value: query.instanceKey, placeholder: 'e.g. 2251799813685281' },
    { name: 'actor', label: 'Actor', placeholder: 'user:maria, webhook:name ...' },
    { name: 'from', label: 'From (your time)', type: 'datetime-local' },
    { name: 'to', label: 'Until (your time)', type: 'datetime-local' },
  ], (values) => {
    query = values;
    list.reload();
  });

  add(main,
    heading('Audit'),
    h('section', { class: 'card verify', 'aria-labelledby': 'verify-title' },
      h('h2', { id: 'verify-title' }, 'Tamper check'),
      h('p', {}, 'Re-hashes every sealed row and checks each seal\'s signature, as ', h('code', {}, 'ordo audit verify'), ' does.'),
      h('div', { class: 'actions' }, verify),
      result),
    h('section', { 'aria-labelledby': 'audit-search-title' },
      h('h2', { id: 'audit-search-title' }, 'Search the log'),
      form,
      h('p', { class: 'hint' }, 'Actors are matched exactly (user:LOGIN, system:..., webhook:NAME). Newest first.'),
      listBox));

  const list = pagedList(listBox,
    (after) => api.get('/api/audit', {
      instanceKey: query.instanceKey.trim(), actor: query.actor.trim(),
      from: rfc3339(query.from), to: rfc3339(query.to), after,
    }),
    (items, first) => table('Audit log', columns, items, first ? 'No audit rows match.' : 'No more rows.'));
}
