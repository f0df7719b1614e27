// The dashboard's shell: login with a token, the scope banner, navigation (hash routes), the reference date,
// and the pages. Plain ES modules; the only third-party code is ECharts.
import {ApiError, clearToken, get, setToken, setUnauthorizedHandler, token} from './api.js';
import {disposeCharts} from './charts.js';
import {h, notice, render, today} from './dom.js';
import {label, ROLES} from './labels.js';
import * as overview from './page-overview.js';
import * as breaches from './page-breaches.js';
import * as ranking from './page-ranking.js';
import * as suppliers from './page-suppliers.js';
import * as officials from './page-officials.js';
import * as trail from './page-trail.js';
import * as sync from './page-sync.js';

const PAGES = [
  {path: 'overview', title: '总览', page: overview, needs: 'breach_read'},
  {path: 'breaches', title: '违诺清单', page: breaches, needs: 'breach_read'},
  {path: 'ranking', title: '政务诚信排名', page: ranking, needs: 'breach_read'},
  {path: 'suppliers', title: '供应商履约评价', page: suppliers, needs: 'breach_read'},
  {path: 'officials', title: '责任追溯', page: officials, needs: 'breach_read'},
  {path: 'trail', title: '审计轨迹', page: trail, needs: 'trail_read'},
  {path: 'sync', title: '同步', page: sync, needs: 'sync_read'},
];

const AS_OF_KEY = 'pactwatch.asOf';
const app = document.getElementById('app');
let ctx = null;

/** What every page gets: who is logged in, in which scope, the reference date, and permission checks. */
function context(me, scopeName) {
  return {
    me,
    scopeName,
    scoped: Boolean(me.region),
    can: (permission) => me.permissions.includes(permission),
    // A region-scoped token reads the trail of its region's records (the server answers 404 for others');
    // the list of all entries and the verification of the whole trail stay with unscoped tokens (docs/TOKENS.md).
    canTrail: me.permissions.includes('trail_read'),
    asOf: () => sessionStorage.getItem(AS_OF_KEY) || today(),
  };
}

function showLogin(message) {
  disposeCharts();
  ctx = null;
  document.title = '登录 · 政务履约监督台';
  const input = h('input', {type: 'password', id: 'token', name: 'token', autocomplete: 'off', required: true,
    placeholder: 'pw_…', 'aria-label': '访问令牌'});
  const error = h('div', {id: 'login-error'}, message ? notice('error', message) : null);
  const form = h('form', {class: 'login', id: 'login-form'},
    h('h1', {}, '政务履约监督台'),
    h('p', {class: 'muted'}, '楚雄州 政务诚信与承诺履约监督。请输入监管部门发放的访问令牌（由 pactwatch token create 生成）。'),
    h('label', {for: 'token'}, '访问令牌'),
    input,
    h('button', {type: 'submit', class: 'primary'}, '登录'),
    error,
    h('p', {class: 'muted small'}, '令牌只保存在本标签页的会话存储中，关闭标签页即失效，不会出现在网址里。'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    setToken(input.value.trim());
    try {
      await start();
    } catch (err) {
      clearToken();
      render(error, notice('error', err instanceof ApiError ? err.message : String(err)));
    }
  });
  render(app, h('div', {class: 'login-wrap'}, form));
  input.focus();
}

function logout(message) {
  clearToken();
  if (location.hash) history.replaceState(null, '', location.pathname);
  showLogin(message);
}

/** Logs in with the stored token: asks the server who it is, then draws the shell. */
async function start() {
  const me = await get('/whoami');
  let scopeName = '全州（未限定辖区）';
  if (me.region) {
    const region = await get(`/regions/${encodeURIComponent(me.region)}`).catch(() => null);
    scopeName = region?.name || me.region;
  }
  ctx = context(me, scopeName);
  drawShell();
  // Land on the first page the role may read (a platform token reads only 同步).
  if (!location.hash) location.hash = `#/${(PAGES.find((p) => ctx.can(p.needs)) || PAGES[0]).path}`;
  else route();
}

function drawShell() {
  const {me} = ctx;
  const asOf = h('input', {type: 'date', id: 'as-of', value: ctx.asOf(), 'aria-label': '基准日期'});
  asOf.addEventListener('change', () => {
    if (asOf.value) sessionStorage.setItem(AS_OF_KEY, asOf.value);
    else sessionStorage.removeItem(AS_OF_KEY);
    route();
  });
  const nav = h('nav', {class: 'nav', id: 'nav'}, PAGES.map((p) =>
    h('a', {href: `#/${p.path}`, dataset: {path: p.path},
      class: ctx.can(p.needs) && (p.path !== 'trail' || ctx.canTrail) ? undefined : 'disabled'}, p.title)));
  render(app,
    h('header', {class: 'top'},
      h('div', {class: 'brand'}, h('span', {class: 'logo'}, '诚'), '政务履约监督台'),
      h('div', {class: 'scope', id: 'scope'},
        h('span', {class: ctx.scoped ? 'badge scoped' : 'badge'}, `辖区：${ctx.scopeName}`),
        h('span', {class: 'who'}, `${me.name} · ${label(ROLES, me.role)}`),
        h('label', {class: 'asof'}, '基准日期 ', asOf),
        h('button', {type: 'button', id: 'logout', onclick: () => logout()}, '退出'))),
    nav,
    ctx.scoped ? h('div', {class: 'scope-note', id: 'scope-note'},
      `当前令牌限定于 ${ctx.scopeName}：所有数据只含本辖区的机关、协议和违诺记录（由服务器按令牌辖区过滤）。`) : null,
    h('main', {id: 'page'}));
}

async function route() {
  if (!ctx) return;
  const [path = 'overview', ...params] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const entry = PAGES.find((p) => p.path === path) || PAGES[0];
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.path === entry.path);
  document.title = `${entry.title} · 政务履约监督台`;
  disposeCharts();
  const container = h('div', {class: 'page', id: `page-${entry.path}`});
  render(document.getElementById('page'), container);
  if (!ctx.can(entry.needs)) {
    render(container, h('h1', {}, entry.title), notice('warn', `当前令牌的角色（${label(ROLES, ctx.me.role)}）无权查看此页。`));
    return;
  }
  render(container, h('p', {class: 'muted'}, '正在载入…'));
  try {
    await entry.page.show(container, ctx, params);
  } catch (err) {
    render(container, h('h1', {}, entry.title),
      notice('error', err instanceof ApiError ? err.message : `页面出错：${err.message}`,
        err instanceof ApiError && err.details ? h('div', {class: 'small'}, err.details) : null));
  }
}

setUnauthorizedHandler(() => {
  if (ctx) logout('令牌已失效或被吊销，请重新登录。');
});
window.addEventListener('hashchange', route);

if (token()) {
  start().catch((err) => logout(err instanceof ApiError ? err.message : String(err)));
} else {
  showLogin();
}
