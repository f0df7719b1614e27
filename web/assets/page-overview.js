// 总览: breaches by rule, severity and county; overdue commitments; warnings due this week; a detection run.
import {ApiError, get, getAll, request} from './api.js';
import {bars, chartBox, ring, SEVERITY_COLORS} from './charts.js';
import {h, link, notice, render, section, stat, table} from './dom.js';
import {label, OPEN_STATES, RULES, SEVERITIES, SEVERITY_ORDER} from './labels.js';

/** Days from `from` to `to` (YYYY-MM-DD). */
function daysBetween(from, to) {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86400000);
}

/** The detection-run control: runs every rule as of the reference date, then redraws the page. */
let lastRun = null; // the last run's message, shown again once the page has been redrawn with its results

export function detectionControl(ctx, after) {
  if (!ctx.can('breach_workflow')) return null;
  const out = h('span', {class: 'inline-result', id: 'detection-result'}, lastRun);
  lastRun = null;
  const button = h('button', {type: 'button', id: 'run-detection', class: 'primary'}, `运行违诺检测（截至 ${ctx.asOf()}）`);
  button.addEventListener('click', async () => {
    button.disabled = true;
    render(out, '检测中…');
    try {
      const {data} = await request('POST', '/detection-runs', {body: {as_of: ctx.asOf()}});
      lastRun = notice('ok', `检测完成（截至 ${data.as_of}）：发现 ${data.findings} 项，新增违诺 ${data.opened} 条，已在册 ${data.already_open} 条${ctx.scoped ? `（仅 ${ctx.scopeName}）` : ''}。`);
      render(out, lastRun);
      await after(data);
    } catch (e) {
      render(out, notice('error', e.message, e instanceof ApiError && e.details ? ` ${e.details}` : ''));
    } finally {
      button.disabled = false;
    }
  });
  return h('div', {class: 'actions-bar'}, button, out);
}

export async function show(el, ctx) {
  const asOf = ctx.asOf();
  const [all, overdue, warnings] = await Promise.all([
    getAll('/breaches'),
    getAll('/commitments', {status: 'overdue', as_of: asOf}, 2000),
    get('/warnings', {within_days: 7, as_of: asOf}),
  ]);
  const live = all.filter((b) => b.state !== 'dismissed' && b.state !== 'voided');
  const byRule = countBy(live, (b) => b.rule);
  const bySeverity = countBy(live, (b) => b.severity);
  const byRegion = countBy(live, (b) => b.region);
  const regionNames = new Map(live.map((b) => [b.region, b.region_name || b.region]));

  const ruleChart = chartBox('chart-rules', 320);
  const severityChart = chartBox('chart-severity', 320);
  const regionChart = chartBox('chart-regions', 320);
  render(el,
    h('div', {class: 'page-head'}, h('h1', {}, '总览'),
      h('span', {class: 'muted'}, `${ctx.scopeName} · 基准日期 ${asOf}`)),
    detectionControl(ctx, () => show(el, ctx)),
    h('div', {class: 'stats'},
      stat('违诺记录（有效）', live.length, {id: 'stat-breaches'}),
      stat('待处理', live.filter((b) => OPEN_STATES.includes(b.state)).length, {tone: 'warn'}),
      stat('待核实', live.filter((b) => b.state === 'detected').length),
      stat('已认定失信', live.filter((b) => b.state === 'recorded').length, {tone: 'bad'}),
      stat('逾期未履行的承诺', overdue.length, {tone: 'bad', id: 'stat-overdue'}),
      stat('本周到期预警', warnings.items.length, {tone: 'warn', id: 'stat-warnings'})),
    live.length === 0 ? notice('info', '尚无违诺记录。监管人员可点击“运行违诺检测”按基准日期检查全部承诺。') : null,
    h('div', {class: 'grid3'},
      section('按规则', ruleChart),
      section('按严重程度', severityChart),
      section('按地区', regionChart)),
    section(`逾期承诺（截至 ${asOf}，${overdue.length} 项）`, table([
      {title: '承诺', cell: (c) => c.title},
      {title: '协议', cell: (c) => c.agreement_title || c.agreement_id},
      {title: '履约方', cell: (c) => c.obligor_name || c.obligor_id},
      {title: '约定期限', cell: (c) => c.due, class: 'nowrap'},
      {title: '逾期天数', cell: (c) => daysBetween(c.due, asOf), class: 'num'},
      ...(ctx.canTrail ? [{title: '轨迹', cell: (c) => link(`#/trail/commitment/${encodeURIComponent(c.id)}`, '查看')}] : []),
    ], overdue, {id: 'overdue-table', empty: '没有逾期的承诺'})),
    section(`本周到期预警（${asOf} 起 7 天内，${warnings.items.length} 项）`, table([
      {title: '预警', cell: (w) => `${w.rule} ${label(RULES, w.rule)}`, class: 'nowrap'},
      {title: '承诺', cell: (w) => w.subject_title || w.subject_id},
      {title: '协议', cell: (w) => w.agreement_title || w.agreement_id},
      {title: '日期', cell: (w) => w.date, class: 'nowrap'},
    ], warnings.items, {id: 'warnings-table', empty: '本周没有到期预警'})));

  const rules = [...byRule.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  bars(ruleChart, rules.map(([code, n]) => [`${code} ${label(RULES, code)}`, n]), {name: '违诺数'});
  ring(severityChart, SEVERITY_ORDER.filter((s) => bySeverity.has(s))
    .map((s) => [label(SEVERITIES, s), bySeverity.get(s), SEVERITY_COLORS[s]]));
  bars(regionChart, [...byRegion.entries()].sort((a, b) => b[1] - a[1])
    .map(([code, n]) => [regionLabel(code, regionNames), n]), {color: '#2f4554', name: '违诺数'});
}

/** A region's name; the prefecture's own records are 州本级. */
export function regionLabel(code, regionNames) {
  const n = regionNames.get(code) || code;
  return /^\d{4}00$/.test(code) ? `${n}（州本级）` : n;
}

function countBy(items, key) {
  const m = new Map();
  for (const it of items) m.set(key(it), (m.get(key(it)) || 0) + 1);
  return m;
}

