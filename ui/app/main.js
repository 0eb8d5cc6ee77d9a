// ui/app/main.js - start-up, sign-in and the hash router.
//
// Routes are '#/<screen>/<param>...' (app/screens.js). A screen module exports
//   render(root, params, ctx) -> optional cleanup function (or a promise of one)
// where 'root' is a fresh element in <main> for this render only (a render still awaiting
// something when the user moves on writes into a detached node, not the next screen),
// 'params' the route's further segments (decoded) and ctx
// {user, navigate(hash)}. The cleanup runs before the next screen renders: stop timers, abort
// streams (ctx.signal is aborted then too), destroy diagrams.
import { h, replace } from './dom.js';
import * as api from './api.js';
import { setUser } from './roles.js';
import { screens, home } from './screens.js';
import { heading, notice, errorNotice } from './ui.js';
import { renderLogin } from './login.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
let user = null;
let cleanup = null;
let controller = null;
let renderSeq = 0;

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function buildNav() {
  const items = screens.filter((s) => s.allowed());
  replace(nav, h('ul', {}, items.map((s) => h('li', {}, h('a', { href: `#/${s.path}`, 'data-screen': s.path }, s.title)))));
  replace(who,
    h('span', { class: 'user', title: (user.roles || []).join(', ') }, user.login),
    h('span', { class: 'roles' }, (user.roles || []).join(', ')),
    h('button', { type: 'button', class: 'link', onclick: signOut }, 'Sign out'));
}

async function signOut() {
  await api.logout().catch(() => {});
  signedOut();
}

function signedOut() {
  user = null;
  setUser(null);
  replace(nav);
  replace(who);
  stopScreen();
  renderLogin(main, async (signedIn) => {
    user = signedIn;
    setUser(user);
    buildNav();
    const target = location.hash && location.hash !== '#/' ? location.hash : null;
    if (target) route();
    else navigate(`#/${(home() || screens[0]).path}`);
  });
}

function stopScreen() {
  renderSeq += 1; // whatever render is still running is stale now
  if (controller) controller.abort();
  controller = null;
  if (typeof cleanup === 'function') {
    try {
      cleanup();
    } catch (_) {
      // a screen that fails to clean up must not block the next one
    }
  }
  cleanup = null;
}

async function route() {
  if (!user) return;
  let parts;
  try {
    parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  } catch (_) {
    parts = []; // a malformed address: go home
  }
  const screen = screens.find((s) => s.path === parts[0]);
  if (!screen) {
    const first = home();
    if (first) navigate(`#/${first.path}`);
    else replace(main, heading('Nothing to show'), notice('info', 'Your roles give you no screen here.'));
    return;
  }
  stopScreen();
  const seq = ++renderSeq;
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.screen === screen.path) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${screen.title} - Ordo`;
  const root = h('div', { class: 'screen' });
  replace(main, root);
  if (!screen.allowed()) {
    replace(root, heading(screen.title), notice('error', 'Your roles do not allow this screen.'));
    return;
  }
  controller = new AbortController();
  try {
    const module = await import(screen.module);
    if (seq !== renderSeq) return;
    const result = await module.render(root, parts.slice(1), { user, navigate, signal: controller.signal });
    if (seq !== renderSeq) {
      if (typeof result === 'function') result();
      return;
    }
    cleanup = result;
  } catch (e) {
    if (seq === renderSeq) root.append(errorNotice(e));
  }
  const title = root.querySelector('h1');
  if (title && seq === renderSeq) title.focus();
}

api.whenSignedOut(signedOut);
window.addEventListener('hashchange', route);

(async () => {
  try {
    user = await api.me();
  } catch (e) {
    replace(main, errorNotice(e));
    return;
  }
  if (!user) {
    signedOut();
    return;
  }
  setUser(user);
  buildNav();
  if (!location.hash || location.hash === '#/') navigate(`#/${(home() || screens[0]).path}`);
  else route();
})();
