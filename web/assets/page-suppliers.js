// 供应商履约评价: every supplier (organization) with its breaches, and one supplier's grade A–D with the
// per-contract breakdown and the facts behind it.
import {get, getAll} from './api.js';
import {field, h, link, percent, render, score, section, table} from './dom.js';
import {FACT_KINDS, GRADES, label, RULES, SEVERITIES, STATES} from './labels.js';
import {badge} from './page-breaches.js';

export async function show(el, ctx, params) {
  if (params[0]) return showSupplier(el, ctx, params[0]);
  const [orgs, breaches] = await Promise.all([getAll('/organizations'), getAll('/breaches')]);
  const counts = new Map();
  for (const b of breaches) {
    if (b.obligor_side === 'government' || b.state === 'dismissed' || b.state === 'voided') continue;
    counts.set(b.obligor_id, (counts.get(b.obligor_id) || 0) + 1);
  }
  orgs.sort((a, b) => (counts.get(b.id) || 0) - (counts.get(a.id) || 0) || a.name.localeCompare(b.name, 'zh-CN'));
  const search = h('input', {type: 'search', id: 'supplier-search', placeholder: '按企业名称或统一社会信用代码搜索', 'aria-label': '搜索'});
  const list = h('div');
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    const shown = q ? orgs.filter((o) => o.name.toLowerCase().includes(q) || o.credit_code.toLowerCase().includes(q)) : orgs;
    render(list, table([
      {title: '企业名称', cell: (o) => link(`#/suppliers/${encodeURIComponent(o.id)}`, o.name)},
      {title: '统一社会信用代码', cell: (o) => h('code', {}, o.credit_code)},
      {title: '中小企业', cell: (o) => (o.sme ? '是' : '否')},
      {title: '违诺记录', cell: (o) => (counts.get(o.id) ? h('strong', {class: 'bad'}, counts.get(o.id)) : '0'), class: 'num'},
    ], shown, {id: 'supplier-table', onRow: (o) => { location.hash = `#/suppliers/${encodeURIComponent(o.id)}`; }}));
  };
  search.addEventListener('input', draw);
  render(el, h('div', {class: 'page-head'}, h('h1', {}, '供应商履约评价'),
    h('span', {class: 'muted'}, `${ctx.scopeName} · 违诺记录只计辖区内的`)),
  h('div', {class: 'filters'}, h('label', {class: 'filter grow'}, '搜索', search)), list);
  draw();
}

async function showSupplier(el, ctx, id) {
  const asOf = ctx.asOf();
  const [org, perf, breaches] = await Promise.all([
    get(`/organizations/${encodeURIComponent(id)}`),
    get(`/organizations/${encodeURIComponent(id)}/performance`, {as_of: asOf}),
    getAll('/breaches', {obligor_id: id}),
  ]);
  const factIds = perf.contracts.flatMap((c) => c.evidence || []);
  const facts = new Map(await Promise.all(factIds.map(async (f) => [f, await get(`/facts/${encodeURIComponent(f)}`).catch(() => null)])));
  const factText = (fid) => {
    const f = facts.get(fid);
    if (!f) return fid;
    return `${f.on} ${label(FACT_KINDS, f.kind)}${f.score !== undefined && f.score !== null ? ` ${f.score} 分` : ''}`;
  };
  render(el,
    h('p', {}, link('#/suppliers', '← 返回供应商列表')),
    h('div', {class: 'page-head'}, h('h1', {}, org.name), h('span', {class: 'muted'}, `评价截至 ${perf.as_of}`)),
    h('div', {class: 'grid2'},
      section('综合评价',
        h('div', {class: 'grade-box'},
          h('div', {class: `grade grade-${perf.grade}`, id: 'supplier-grade'}, perf.grade),
          h('div', {},
            h('div', {class: 'stat-value'}, score(perf.score)),
            h('div', {class: 'muted'}, label(GRADES, perf.grade)))),
        h('p', {class: 'muted small'}, '按合同加权（近期合同权重更高）的履约得分：按期履约、验收得分与失信扣减；A ≥ 90，B ≥ 75，C ≥ 60，其余为 D。')),
      section('企业信息',
        field('统一社会信用代码', h('code', {}, org.credit_code)),
        field('中小企业', org.sme ? '是（适用《保障中小企业款项支付条例》）' : '否'),
        ctx.canTrail ? field('审计轨迹', link(`#/trail/organization/${encodeURIComponent(org.id)}`, '查看')) : null)),
    section('逐合同评价与证据', table([
      {title: '协议', cell: (c) => c.agreement_title || c.agreement_id},
      {title: '评价日期', cell: (c) => c.evaluated_on, class: 'nowrap'},
      {title: '到期承诺', cell: (c) => c.commitments_due, class: 'num'},
      {title: '按期履行', cell: (c) => c.met_on_time, class: 'num'},
      {title: '按期率', cell: (c) => percent(c.on_time_share), class: 'num'},
      {title: '验收得分', cell: (c) => c.acceptance_score ?? '—', class: 'num'},
      {title: '失信扣减', cell: (c) => score(c.breach_penalty), class: 'num'},
      {title: '合同得分', cell: (c) => h('strong', {}, score(c.score)), class: 'num'},
      {title: '权重', cell: (c) => c.weight.toFixed(2), class: 'num'},
      {title: '证据', cell: (c) => (c.evidence || []).map(factText).join('；') || '无（期限已过而无履行事实）'},
    ], perf.contracts, {id: 'contracts-table', empty: '没有可评价的合同'})),
    section(`违诺记录（${breaches.length} 条）`, table([
      {title: '规则', cell: (b) => `${b.rule} ${label(RULES, b.rule)}`},
      {title: '严重程度', cell: (b) => badge('sev', b.severity, label(SEVERITIES, b.severity))},
      {title: '状态', cell: (b) => badge('state', b.state, label(STATES, b.state))},
      {title: '协议', cell: (b) => b.agreement_title || b.agreement_id},
      {title: '', cell: (b) => link(`#/breaches/${encodeURIComponent(b.id)}`, '打开')},
    ], breaches, {empty: '辖区内没有该企业的违诺记录'})));
}
