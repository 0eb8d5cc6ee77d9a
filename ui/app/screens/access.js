// ui/app/screens/access.js - the Access screen (issue 10, admin only): users, groups, the roles
// granted to either, and API keys (CONTRACTS §7, docs/identities.md). '#/access/users' (the
// default), '#/access/groups' and '#/access/keys' are its three parts.
import { h, append, replace, field, table, when } from '../dom.js';
import * as api from '../api.js';
import { heading, errorNotice, button, confirm, toast, pagedList, facts, submitForm, shownOnce } from '../ui.js';

// dom.js append() skips null and false children (Element.append would print "null").
const add = (el, ...children) => append(el, children);

export const ROLES = ['admin', 'designer', 'operator', 'approver', 'viewer', 'metrics'];
const enc = encodeURIComponent;


function roleBadges(roles) {
  return roles && roles.length ? roles.map((r) => [h('span', { class: 'badge' }, r), ' ']) : '-';
}

// Checkboxes for roles in a fieldset; read() -> the ticked ones.
function roleChecks(legend, held = []) {
  const boxes = ROLES.map((r) => h('input', { type: 'checkbox', name: 'role', value: r, checked: held.includes(r) }));
  const element = h('fieldset', { class: 'role-checks' }, h('legend', {}, legend),
    boxes.map((b) => h('label', { class: 'inline' }, b, ` ${b.value}`)));
  return { element, read: () => boxes.filter((b) => b.checked).map((b) => b.value) };
}

// Grant what is newly ticked, revoke what was unticked: two calls at most, and a role held
// through a group is not touched here.
async function saveRoles(base, held, wanted) {
  const grant = wanted.filter((r) => !held.includes(r));
  const revoke = held.filter((r) => !wanted.includes(r));
  if (grant.length) await api.post(`${base}/grant`, { roles: grant });
  if (revoke.length) await api.post(`${base}/revoke`, { roles: revoke });
  return grant.length + revoke.length;
}


// A panel opened below a long list would be off screen: bring it into view, focus its heading.
function focusPanel(panel) {
  const title = panel.querySelector('h3');
  if (!title) return;
  title.setAttribute('tabindex', '-1');
  title.scrollIntoView({ block: 'start' });
  title.focus();
}

// ---- users ----

function userPanel(u, reload) {
  const base = `/api/users/${enc(u.key)}`;
  const roles = roleChecks(`Roles granted to ${u.login} directly`, u.roles || []);
  const password = h('input', { type: 'password', name: 'newPassword', autocomplete: 'new-password', minlength: '8' });
  return h('section', { class: 'card manage', 'aria-label': `Manage user ${u.login}` },
    h('h3', {}, `User ${u.login}`),
    facts([
      ['E-mail', u.email],
      ['Effective roles', roleBadges(u.effectiveRoles)],
      ['Groups', (u.groups || []).map((g) => g.name || g).join(', ') || '-'],
      ['Password', u.hasPassword ? 'set' : 'none (API keys only)'],
      ['Slack user', u.slackUserId || '-'],
    ]),
    submitForm({ class: 'inline-form' }, [roles.element,
      h('button', { type: 'submit', class: 'primary' }, 'Save roles')], async () => {
      const n = await saveRoles(base, u.roles || [], roles.read());
      toast(n ? `Roles of ${u.login} saved.` : 'Nothing changed.');
      reload(u.key);
    }),
    submitForm({ class: 'inline-form' }, [field('New password (8 or more characters)', password),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Set password'))], async () => {
      await api.patch(base, { password: password.value });
      password.value = '';
      toast(`Password of ${u.login} set.`);
      reload(u.key);
    }),
    h('div', { class: 'actions' },
      u.hasPassword && button('Remove password', async () => {
        if (!await confirm(`Remove the password of ${u.login}? They can then sign in only with an API key.`, 'Remove')) return;
        await api.patch(base, { password: null });
        toast(`Password of ${u.login} removed.`);
        reload(u.key);
      }),
      button(u.disabled ? 'Enable user' : 'Disable user', async () => {
        if (!u.disabled && !await confirm(`Disable ${u.login}? Their sessions and keys stop working.`, 'Disable')) return;
        await api.patch(base, { disabled: !u.disabled });
        toast(`${u.login} ${u.disabled ? 'enabled' : 'disabled'}.`);
        reload(u.key);
      }, { class: u.disabled ? '' : 'danger' })));
}

function renderUsers(box) {
  const panel = h('div', {});
  const listBox = h('div', {});
  let list = null;
  const show = async (key) => {
    list.reload();
    if (!key) return;
    try {
      replace(panel, userPanel(await api.get(`/api/users/${enc(key)}`), show));
      focusPanel(panel);
    } catch (e) {
      replace(panel, errorNotice(e));
    }
  };
  const login = h('input', { name: 'login', required: true, autocomplete: 'off', pattern: '[A-Za-z0-9._@\\-]{1,64}' });
  const email = h('input', { name: 'email', type: 'email', required: true, autocomplete: 'off' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', minlength: '8' });
  const slack = h('input', { name: 'slackUserId', autocomplete: 'off' });
  const roles = roleChecks('Roles');
  const create = submitForm({ class: 'card create-form', 'aria-labelledby': 'new-user-title' }, [
    h('h2', { id: 'new-user-title' }, 'New user'),
    h('div', { class: 'form-row' },
      field('Login', login), field('E-mail', email),
      field('Password (optional)', password, 'without one, only API keys sign in'),
      field('Slack user id (optional)', slack)),
    roles.element,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Create user'))], async (form) => {
    const body = { login: login.value.trim(), email: email.value.trim(), roles: roles.read() };
    if (password.value) body.password = password.value;
    if (slack.value.trim()) body.slackUserId = slack.value.trim();
    const u = await api.post('/api/users', body);
    password.value = '';
    form.reset();
    toast(`User ${body.login} created.`);
    show(u.key);
  });
  replace(box, create, h('h2', {}, 'Users'), listBox, panel);
  list = pagedList(listBox, (after) => api.get('/api/users', { after }), (items, first) => table('Users', [
    { title: 'Login', cell: (u) => u.login },
    { title: 'E-mail', cell: (u) => u.email },
    { title: 'Roles', cell: (u) => roleBadges(u.roles) },
    { title: 'Effective roles', cell: (u) => roleBadges(u.effectiveRoles) },
    { title: 'Groups', cell: (u) => (u.groups || []).map((g) => g.name || g).join(', ') || '-' },
    { title: 'Password', cell: (u) => (u.hasPassword ? 'yes' : 'no') },
    { title: 'State', cell: (u) => (u.disabled ? h('span', { class: 'badge bad' }, 'disabled') : h('span', { class: 'badge ok' }, 'active')) },
    { title: 'Created', cell: (u) => when(u.createdAt) },
    { title: 'Manage', cell: (u) => button('Manage', () => show(u.key), { ariaLabel: `Manage user ${u.login}` }) },
  ], items, first ? 'No users.' : 'No more users.'));
}

// ---- groups ----

function groupPanel(g, reload) {
  const base = `/api/groups/${enc(g.key)}`;
  const roles = roleChecks(`Roles granted to group ${g.name}`, g.roles || []);
  const member = h('input', { name: 'member', required: true, autocomplete: 'off' });
  return h('section', { class: 'card manage', 'aria-label': `Manage group ${g.name}` },
    h('h3', {}, `Group ${g.name}`),
    submitForm({ class: 'inline-form' }, [roles.element,
      h('button', { type: 'submit', class: 'primary' }, 'Save roles')], async () => {
      const n = await saveRoles(base, g.roles || [], roles.read());
      toast(n ? `Roles of ${g.name} saved.` : 'Nothing changed.');
      reload(g.key);
    }),
    h('h4', {}, 'Members'),
    table(`Members of ${g.name}`, [
      { title: 'Login', cell: (m) => m.login },
      {
        title: 'Remove',
        cell: (m) => button('Remove', async () => {
          await api.post(`${base}/members/remove`, { userKey: String(m.key) });
          toast(`${m.login} left ${g.name}.`);
          reload(g.key);
        }, { ariaLabel: `Remove ${m.login} from ${g.name}` }),
      },
    ], g.members || [], 'No members yet.'),
    submitForm({ class: 'inline-form' }, [field('Add a member (login or e-mail)', member),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add member'))], async () => {
      await api.post(`${base}/members`, { user: member.value.trim() });
      toast(`${member.value.trim()} added to ${g.name}.`);
      reload(g.key);
    }));
}

function renderGroups(box) {
  const panel = h('div', {});
  const listBox = h('div', {});
  let list = null;
  let groups = new Map();
  // There is no GET /api/groups/{key}: the panel is drawn from the list's page after a reload.
  const show = async (key) => {
    await list.reload();
    const g = groups.get(String(key));
    replace(panel, g ? groupPanel(g, show) : null);
    focusPanel(panel);
  };
  const name = h('input', { name: 'groupName', required: true, autocomplete: 'off', pattern: '[A-Za-z0-9._@\\-]{1,64}' });
  const roles = roleChecks('Roles');
  const create = submitForm({ class: 'card create-form', 'aria-labelledby': 'new-group-title' }, [
    h('h2', { id: 'new-group-title' }, 'New group'),
    field('Group name', name, 'the name candidate groups of user tasks refer to'),
    roles.element,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Create group'))], async (form) => {
    const body = { name: name.value.trim(), roles: roles.read() };
    const g = await api.post('/api/groups', body);
    form.reset();
    toast(`Group ${body.name} created.`);
    show(g.key);
  });
  replace(box, create, h('h2', {}, 'Groups'), listBox, panel);
  list = pagedList(listBox, async (after) => {
    const page = await api.get('/api/groups', { after });
    if (!after) groups = new Map();
    for (const g of page.items || []) groups.set(String(g.key), g);
    return page;
  }, (items, first) => table('Groups', [
    { title: 'Group', cell: (g) => g.name },
    { title: 'Roles', cell: (g) => roleBadges(g.roles) },
    { title: 'Members', cell: (g) => (g.members || []).map((m) => m.login).join(', ') || '-' },
    { title: 'Created', cell: (g) => when(g.createdAt) },
    { title: 'Manage', cell: (g) => button('Manage', () => show(g.key), { ariaLabel: `Manage group ${g.name}` }) },
  ], items, first ? 'No groups yet.' : 'No more groups.'));
}

// ---- API keys ----

async function renderKeys(box) {
  const users = (await api.get('/api/users', { limit: 500 })).items || [];
  const tokenBox = h('div', {});
  const listBox = h('div', {});
  let ownerFilter = '';
  const name = h('input', { name: 'keyName', required: true, maxlength: '128', autocomplete: 'off' });
  const owner = h('select', { name: 'owner', required: true },
    users.map((u) => h('option', { value: u.login }, `${u.login} (${(u.effectiveRoles || []).join(', ') || 'no roles'})`)));
  const days = h('input', { name: 'expiresInDays', type: 'number', min: '0', max: '3650', step: '1', value: '90' });
  const scopes = roleChecks('Scopes (a subset of the owner\'s roles)');
  const create = submitForm({ class: 'card create-form', 'aria-labelledby': 'new-key-title' }, [
    h('h2', { id: 'new-key-title' }, 'New API key'),
    h('div', { class: 'form-row' },
      field('Key name', name), field('Owner', owner), field('Expires in days (0: never)', days)),
    scopes.element,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Create key'))], async () => {
    const body = { name: name.value.trim(), user: owner.value, scopes: scopes.read(), expiresInDays: Number(days.value || 0) };
    const k = await api.post('/api/keys', body);
    name.value = '';
    replace(tokenBox, shownOnce(`API key "${body.name}" for ${body.user}`, k.token));
    list.reload();
  });
  const filter = h('select', { id: 'keys-owner-filter', name: 'ownerFilter' },
    h('option', { value: '' }, 'everyone'), users.map((u) => h('option', { value: u.key }, u.login)));
  filter.addEventListener('change', () => {
    ownerFilter = filter.value;
    list.reload();
  });
  replace(box, create, tokenBox, h('h2', {}, 'API keys'),
    h('form', { class: 'filters', role: 'search', onsubmit: (ev) => ev.preventDefault() },
      h('div', { class: 'field' }, h('label', { for: filter.id }, 'Owner'), filter)),
    listBox);
  const list = pagedList(listBox, (after) => api.get('/api/keys', { userKey: ownerFilter, after }), (items, first) => table('API keys', [
    { title: 'Name', cell: (k) => k.name },
    { title: 'Owner', cell: (k) => k.login || k.user },
    { title: 'Starts with', cell: (k) => h('code', {}, k.prefix) },
    { title: 'Scopes', cell: (k) => roleBadges(k.scopes) },
    { title: 'Expires', cell: (k) => (k.expiresAt ? when(k.expiresAt) : 'never') },
    { title: 'Last used', cell: (k) => when(k.lastUsedAt) },
    { title: 'State', cell: (k) => (k.revoked ? h('span', { class: 'badge bad' }, `revoked ${when(k.revokedAt)}`) : h('span', { class: 'badge ok' }, 'active')) },
    {
      title: 'Revoke',
      cell: (k) => (k.revoked ? '-' : button('Revoke', async () => {
        if (!await confirm(`Revoke the key "${k.name}" of ${k.login}? Whatever uses it stops working at once.`, 'Revoke')) return;
        // No body at all: this route takes none, and api.post's default {} is refused with 413.
        await api.request('POST', `/api/keys/${enc(k.key)}/revoke`);
        toast(`Key ${k.name} revoked.`);
        list.reload();
      }, { class: 'danger', ariaLabel: `Revoke key ${k.name} of ${k.login}` })),
    },
  ], items, first ? 'No keys.' : 'No more keys.'));
}

const parts = [
  { path: 'users', title: 'Users', render: renderUsers },
  { path: 'groups', title: 'Groups', render: renderGroups },
  { path: 'keys', title: 'API keys', render: renderKeys },
];

export async function render(main, params) {
  const part = parts.find((p) => p.path === params[0]) || parts[0];
  const box = h('div', {});
  add(main,
    heading('Access'),
    h('nav', { class: 'subnav', 'aria-label': 'Access' }, h('ul', {}, parts.map((p) => h('li', {},
      h('a', { href: `#/access/${p.path}`, 'aria-current': p === part ? 'page' : null }, p.title))))),
    box);
  try {
    await part.render(box);
  } catch (e) {
    add(box, errorNotice(e));
  }
  return null;
}
