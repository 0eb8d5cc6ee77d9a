// ui/app/login.js - the sign-in screen: a login and password (POST /api/auth/login), or an API
// key (the first admin's key from data_dir/initial-admin-key, CONTRACTS §7).
import { h, replace, field } from './dom.js';
import * as api from './api.js';
import { heading, notice, errorText } from './ui.js';

export function renderLogin(main, onSignedIn) {
  const status = h('div', { class: 'status' });
  const login = h('input', { name: 'login', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const key = h('input', { name: 'apiKey', type: 'password', autocomplete: 'off', required: true });

  async function attempt(ev, work) {
    ev.preventDefault();
    const submit = ev.target.querySelector('button[type=submit]');
    submit.disabled = true;
    replace(status);
    try {
      onSignedIn(await work());
    } catch (e) {
      replace(status, notice('error', e.status === 401 ? 'Wrong login, password or key.' : errorText(e)));
    } finally {
      submit.disabled = false;
    }
  }

  document.title = 'Sign in - Ordo';
  replace(main,
    h('section', { class: 'login' },
      heading('Sign in to Ordo'),
      status,
      h('form', { class: 'card', 'aria-label': 'Sign in with a password',
        onsubmit: (ev) => attempt(ev, () => api.loginWithPassword(login.value.trim(), password.value)) },
        field('Login or email', login),
        field('Password', password),
        h('button', { type: 'submit', class: 'primary' }, 'Sign in')),
      h('details', { class: 'card' },
        h('summary', {}, 'Sign in with an API key'),
        h('form', { 'aria-label': 'Sign in with an API key',
          onsubmit: (ev) => attempt(ev, () => api.loginWithKey(key.value.trim())) },
          field('API key', key, 'The first admin\'s key is in the data directory, file initial-admin-key.'),
          h('button', { type: 'submit', class: 'primary' }, 'Sign in with key')))));
  login.focus();
}
