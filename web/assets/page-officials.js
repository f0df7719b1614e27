// 责任追溯: an official's posts, every breach traced to them (项目责任回溯) and their eligibility for
// 评优评先 and promotion, with the breaches that block it.
import {get, getAll} from './api.js';
import {h, link, notice, render, section, table} from './dom.js';
import {label, OFFICIAL_ROLES, RULES, SEVERITIES, STATES} from './labels.js';
import {badge} from './page-breaches.js';

export async function show(el, ctx, params) {
  if (params[0]) return showOfficial(el, ctx, params[0]);
  const [officials, breaches] = await Promise.all([getAll('/officials'), getAll('/breaches')]);
  const traced = new Map();
  for (const b of breaches) {
    if (b.state === 'dismissed' || b.state === 'voided') continue;
    for (const id of new Set([...(b.performing_officials || []), b.committing_official].filter(Boolean))) {
      traced.set(id, (traced.get(id) || 0) + 1);
    }
  }
  const current = (o) => o.posts.filter((p) => !p.to).map((p) => `${p.body_name || p.body_id} ${p.title}`).join('；') || '（无现任职务）';
  officials.sort((a, b) => (traced.get(b.id) || 0) - (traced.get(a.id) || 0) || a.name.localeCompare(b.name, 'zh-CN'));
  const search = h('input', {type: 'search', id: 'official-search', placeholder: '按姓名或单位搜索', 'aria-label': '搜索'});
  const list = h('div');
  const draw = () => {
    const q = search.value.trim();
    const shown = q ? officials.filter((o) => o.name.includes(q) || current(o).includes(q)) : officials;
    render(list, table([
      {title: '姓名', cell: (o) => link(`#/officials/${encodeURIComponent(o.id)}`, o.name)},
      {title: '现任职务', cell: current},
      {title: '追溯到的违诺', cell: (o) => (traced.get(o.id) ? h('strong', {class: 'bad'}, traced.get(o.id)) : '0'), class: 'num'},
    ], shown, {id: 'official-table', onRow: (o) => { location.hash = `#/officials/${encodeURIComponent(o.id)}`; }}));
  };
  search.addEventListener('input', draw);
  render(el, h('div', {class: 'page-head'}, h('h1', {}, '责任追溯'), h('span', {class: 'muted'}, ctx.scopeName)),
    h('div', {class: 'filters'}, h('label', {class: 'filter grow'}, '搜索', search)), list);
  draw();
}

function eligibilityBlock(title, part, breachLinks) {
  return h('div', {class: `eligibility ${part.eligible ? 'ok' : 'blocked'}`},
    h('div', {class: 'eligibility-head'}, title, h('strong', {}, part.eligible ? '符合条件' : '受限')),
    part.reasons.length ? h('div', {class: 'small'}, '原因：', breachLinks(part.reasons)) : null,
    part.notes.length ? h('div', {class: 'small muted'}, part.notes.join('；')) : null);
}

async function showOfficial(el, ctx, id) {
  const [official, acc, elig] = await Promise.all([
    get(`/officials/${encodeURIComponent(id)}`),
    get(`/officials/${encodeURIComponent(id)}/accountability`, {as_of: ctx.asOf()}),
    get(`/officials/${encodeURIComponent(id)}/eligibility`, {as_of: ctx.asOf()}),
  ]);
  const byId = new Map(acc.items.map((i) => [i.breach_id, i]));
  const breachLinks = (ids) => ids.map((bid, n) => [n ? '、' : '', link(`#/breaches/${encodeURIComponent(bid)}`,
    byId.has(bid) ? `${byId.get(bid).rule} ${label(RULES, byId.get(bid).rule)}（${byId.get(bid).agreement_title || ''}）` : bid)]);
  render(el,
    h('p', {}, link('#/officials', '← 返回责任人列表')),
    h('div', {class: 'page-head'}, h('h1', {id: 'official-name'}, official.name), h('span', {class: 'muted'}, `截至 ${elig.as_of}`)),
    h('div', {class: 'grid2'},
      section('资格（由违诺记录自动得出）',
        h('div', {id: 'eligibility'},
          eligibilityBlock('评优评先', elig.merit, breachLinks),
          eligibilityBlock('提拔任用', elig.promotion, breachLinks)),
        h('p', {class: 'muted small'}, '未修复的已认定失信记录限制评优评先；不履行生效裁判（BC06）限制所在机关负责人的提拔任用；“免予惩戒”解除对本人的限制。')),
      section('任职经历', table([
        {title: '单位', cell: (p) => p.body_name || p.body_id},
        {title: '职务', cell: (p) => `${p.title}${p.head ? '（主要负责人）' : ''}`},
        {title: '任职起', cell: (p) => p.from, class: 'nowrap'},
        {title: '任职止', cell: (p) => p.to || '至今', class: 'nowrap'},
      ], official.posts))),
    section(`追溯到本人的违诺（${acc.items.length} 条）`, acc.items.length ? table([
      {title: '规则', cell: (i) => link(`#/breaches/${encodeURIComponent(i.breach_id)}`, `${i.rule} ${label(RULES, i.rule)}`)},
      {title: '严重程度', cell: (i) => badge('sev', i.severity, label(SEVERITIES, i.severity))},
      {title: '状态', cell: (i) => badge('state', i.state, label(STATES, i.state))},
      {title: '本人责任', cell: (i) => i.roles.map((r) => `${label(OFFICIAL_ROLES, r.role)}（${r.title === 'committed' ? '作出承诺' : r.title}）`).join('；')},
      {title: '机关', cell: (i) => i.body_name || i.body_id},
      {title: '协议', cell: (i) => i.agreement_title || i.agreement_id},
      {title: '约定期限', cell: (i) => i.due || '—', class: 'nowrap'},
      {title: '未修复失信', cell: (i) => (i.unrepaired_record ? h('strong', {class: 'bad'}, '是') : '否')},
    ], acc.items, {id: 'accountability-table'}) : notice('ok', '没有追溯到本人的违诺记录。')));
}
