// 政务诚信排名: the counties ranked by integrity score as of the reference date, with a monthly trend chart.
// The API ranks (issue #14): it leaves the prefecture out of the county ranking (given apart, `enclosing`),
// gives a county with nothing due no score ("无数据", with its reason), lists the breaches behind each
// region's penalty points and rounds scores to one decimal; this page shows what it answers.
import {get} from './api.js';
import {chartBox, lines} from './charts.js';
import {h, notice, percent, render, score, section, table} from './dom.js';
import {label, RULES} from './labels.js';

export async function show(el, ctx) {
  const asOf = ctx.asOf();
  const data = await get('/integrity', {level: 'region', as_of: asOf, months: 12});
  const hasData = (i) => i.score !== null && i.score !== undefined;
  const rows = data.items;
  const ranked = rows.filter(hasData);
  const own = data.enclosing || [];
  const nameOf = (i) => i.subject_name || i.subject_id;

  const trend = chartBox('ranking-chart', 360);
  const columns = [
    {title: '名次', cell: (i) => i.rank ?? '—', class: 'num'},
    {title: '地区', cell: nameOf},
    {title: '诚信得分', cell: (i) => (hasData(i) ? h('strong', {}, score(i.score)) : h('span', {class: 'muted', title: i.no_data_reason || ''}, '无数据')), class: 'num'},
    {title: '按期履约率', cell: (i) => (hasData(i) ? percent(i.kept_rate) : '—'), class: 'num'},
    {title: '到期承诺', cell: (i) => i.due, class: 'num'},
    {title: '按期履行', cell: (i) => i.kept, class: 'num'},
    {title: '失信扣分', cell: (i) => score(i.penalty_points), class: 'num'},
    {title: '扣分依据', cell: (i) => (i.breaches || []).map((b) => `${b.rule || ''} ${label(RULES, b.rule)}`).join('、') || '—'},
  ];
  render(el,
    h('div', {class: 'page-head'}, h('h1', {}, '政务诚信排名'),
      h('span', {class: 'muted'}, `${ctx.scopeName} · 截至 ${data.as_of} · 按地区`)),
    section('近 12 个月诚信得分走势', trend,
      h('p', {class: 'muted small'}, '每月末的诚信得分（0–100）；只画有到期承诺的地区。')),
    section('县市排名', table(columns, rows, {id: 'ranking-table', empty: '辖区内没有县市数据'}),
      h('p', {class: 'muted small'}, '得分 = 按期履约率折算分 − 失信扣分；没有到期承诺的县市不参与排名，显示“无数据”。')),
    own.length ? section('全州合计（不参与县市排名）', table(columns.slice(1), own, {id: 'prefecture-table'})) : null,
    rows.length === 0 && own.length === 0 ? notice('info', '没有可排名的数据。') : null);

  const drawn = [...ranked, ...own.filter(hasData)];
  const months = [...new Set(drawn.flatMap((i) => (data.series[i.subject_id] || []).map((p) => p.as_of)))].sort();
  lines(trend, months.map((m) => m.slice(0, 7)), drawn.map((i) => {
    const byMonth = new Map((data.series[i.subject_id] || []).map((p) => [p.as_of, p.score]));
    const nameText = own.includes(i) ? `${nameOf(i)}（合计）` : nameOf(i);
    return {name: nameText, data: months.map((m) => byMonth.get(m) ?? null)};
  }), {yName: '得分', yMin: 0, yMax: 100});
}
