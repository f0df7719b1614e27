// 违诺清单: filter and search the breach records, open one, and act on it with the lifecycle actions its
// state allows. Every action sends If-Match with the ETag of the version on screen; a 412 (someone acted in
// between) is explained and the record reloaded.
import {ApiError, getAll, request, token} from './api.js';
import {field, h, link, money, notice, render, section, table, today} from './dom.js';
import {ACTIONS, FACT_KINDS, HISTORY_ACTIONS, isCounty, label, OBLIGOR_SIDES, OFFICIAL_ROLES, regionWithin, RULES, SEVERITIES, STATES} from './labels.js';
import {detectionControl} from './page-overview.js';

/** The names the API answers beside the ids (issue #14), gathered as the pages show them. */
export function withNames(b) {
  b.names = {
    obligor: b.obligor_name || b.obligor_id,
    body: b.body_name || b.body_id,
    agreement: b.agreement_title || b.agreement_id || '',
    commitment: b.commitment_title || b.commitment_id || '',
    region: b.region_name || b.region,
    officials: (b.performing_officials || []).map((id, i) => (b.performing_official_names || [])[i] || id),
    committing: b.committing_official_name || b.committing_official || '',
  };
  return b;
}

export async function show(el, ctx, params) {
  if (params[0]) return showBreach(el, ctx, params[0]);
  return showList(el, ctx);
}

// ---- the list -----------------------------------------------------------------------------------------

const filters = {state: '', severity: '', rule: '', region: '', q: ''};

function select(id, labelText, options, value) {
  const s = h('select', {id, 'aria-label': labelText},
    h('option', {value: ''}, `全部${labelText}`),
    Object.entries(options).map(([v, t]) => h('option', {value: v, selected: v === value}, t)));
  return h('label', {class: 'filter'}, labelText, s);
}

async function showList(el, ctx) {
  const regions = new Map((await getAll('/regions').catch(() => [])).map((r) => [r.code, r]));
  // The counties in the token's scope (the prefecture's own records show under 全部地区).
  const inScope = [...regions.values()].filter((r) => isCounty(r.code) && regionWithin(ctx.me.region, r.code));
  const regionOptions = Object.fromEntries(inScope.map((r) => [r.code, r.name]));
  const search = h('input', {type: 'search', id: 'search', value: filters.q, placeholder: '按履约方、机关、协议或承诺名称搜索', 'aria-label': '搜索'});
  const bar = h('form', {class: 'filters', id: 'filters'},
    select('f-state', '状态', STATES, filters.state),
    select('f-severity', '严重程度', SEVERITIES, filters.severity),
    select('f-rule', '规则', Object.fromEntries(Object.entries(RULES).filter(([k]) => k.startsWith('BC')).map(([k, v]) => [k, `${k} ${v}`])), filters.rule),
    select('f-region', '地区', regionOptions, filters.region),
    h('label', {class: 'filter grow'}, '搜索', search),
    h('button', {type: 'submit'}, '查询'),
    h('button', {type: 'button', id: 'export-csv', onclick: () => downloadCsv()}, '导出 CSV'));
  const results = h('div', {id: 'breach-results'}, h('p', {class: 'muted'}, '正在载入…'));
  render(el,
    h('div', {class: 'page-head'}, h('h1', {}, '违诺清单'), h('span', {class: 'muted'}, ctx.scopeName)),
    detectionControl(ctx, () => load()),
    bar, results);

  const read = () => {
    filters.state = bar.querySelector('#f-state').value;
    filters.severity = bar.querySelector('#f-severity').value;
    filters.rule = bar.querySelector('#f-rule').value;
    filters.region = bar.querySelector('#f-region').value;
    filters.q = search.value.trim();
  };
  bar.addEventListener('submit', (e) => { e.preventDefault(); read(); load(); });
  bar.addEventListener('change', (e) => { if (e.target.tagName === 'SELECT') { read(); load(); } });
  search.addEventListener('input', () => { read(); draw(); });

  let rows = [];
  async function load() {
    render(results, h('p', {class: 'muted'}, '正在载入…'));
    const query = {state: filters.state, severity: filters.severity, rule: filters.rule, region: filters.region};
    rows = (await getAll('/breaches', query)).map(withNames);
    draw();
  }
  function draw() {
    const q = filters.q.toLowerCase();
    const shown = q ? rows.filter((b) => [b.names.obligor, b.names.body, b.names.agreement, b.names.commitment,
      b.names.region, ...b.names.officials, b.summary, b.id].some((t) => t && t.toLowerCase().includes(q))) : rows;
    render(results,
      h('p', {class: 'muted', id: 'breach-count'}, `共 ${shown.length} 条${q ? `（搜索“${filters.q}”，全部 ${rows.length} 条）` : ''}${rows.truncated ? '；只载入了前 5000 条，请缩小筛选范围' : ''}`),
      table([
        {title: '规则', cell: (b) => h('span', {title: label(RULES, b.rule)}, `${b.rule} ${label(RULES, b.rule)}`)},
        {title: '严重程度', cell: (b) => badge('sev', b.severity, label(SEVERITIES, b.severity)), class: 'nowrap'},
        {title: '状态', cell: (b) => badge('state', b.state, label(STATES, b.state)), class: 'nowrap'},
        {title: '履约方', cell: (b) => b.names.obligor},
        {title: '协议 / 承诺', cell: (b) => h('div', {}, h('div', {}, b.names.agreement), h('div', {class: 'muted small'}, b.names.commitment))},
        {title: '地区', cell: (b) => b.names.region, class: 'nowrap'},
        {title: '发现日期', cell: (b) => b.detected_on, class: 'nowrap'},
        {title: '逾期天数', cell: (b) => b.days_late ?? '—', class: 'num'},
        {title: '', cell: (b) => link(`#/breaches/${encodeURIComponent(b.id)}`, '打开'), class: 'nowrap'},
      ], shown, {id: 'breach-table', empty: rows.length ? '没有符合搜索条件的记录' : '没有符合条件的违诺记录',
        onRow: (b) => { location.hash = `#/breaches/${encodeURIComponent(b.id)}`; }}));
  }
  await load();
}

export function badge(kind, code, text) {
  return h('span', {class: `badge ${kind}-${code}`}, text);
}

/** The CSV export (UTF-8 with BOM, for Excel), fetched with the token and saved through a blob link. */
async function downloadCsv() {
  const params = new URLSearchParams({format: 'csv'});
  for (const k of ['state', 'severity', 'rule', 'region']) if (filters[k]) params.set(k, filters[k]);
  const response = await fetch(`/api/v1/breaches?${params}`, {headers: {Authorization: `Bearer ${token()}`}});
  if (!response.ok) return;
  const url = URL.createObjectURL(await response.blob());
  const a = h('a', {href: url, download: `违诺清单-${today()}.csv`});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ---- one breach ---------------------------------------------------------------------------------------

async function showBreach(el, ctx, id, message) {
  const {data: b, etag} = await request('GET', `/breaches/${encodeURIComponent(id)}`);
  withNames(b);
  const actorMessage = h('div', {id: 'action-message'}, message || null);
  const actionArea = h('div', {id: 'action-form'});
  const allowed = ctx.can('breach_workflow') ? b.allowed_actions : [];

  const open = (action) => render(actionArea, actionForm(action, b, etag, async (result) => {
    if (result.ok) {
      await showBreach(el, ctx, id, notice('ok', `已执行“${ACTIONS[action].label}”：状态现为 ${label(STATES, result.data.state)}（版本 v${result.data.version}）。`));
    } else if (result.error.status === 412) {
      await showBreach(el, ctx, id, notice('warn', h('strong', {}, '未执行：记录已被他人修改（HTTP 412）。'),
        ` 您看到的是版本 ${etag}，服务器上已是更新的版本，${ACTIONS[action].label}没有生效。下面是最新内容，请核对后再决定是否操作。`));
    } else {
      render(actorMessage, notice('error', result.error.message, result.error.details ? h('div', {class: 'small'}, result.error.details) : null));
    }
  }));

  const obligorHref = b.obligor_side === 'government' ? null : `#/suppliers/${encodeURIComponent(b.obligor_id)}`;
  render(el,
    h('p', {}, link('#/breaches', '← 返回违诺清单')),
    h('div', {class: 'page-head'},
      h('h1', {id: 'breach-title'}, `${b.rule} ${label(RULES, b.rule)}`),
      badge('sev', b.severity, label(SEVERITIES, b.severity)),
      h('span', {id: 'breach-state'}, badge('state', b.state, label(STATES, b.state))),
      h('span', {class: 'muted', id: 'breach-version'}, `版本 v${b.version}`)),
    actorMessage,
    section('处理',
      allowed.length ? h('div', {class: 'action-buttons', id: 'action-buttons'},
        allowed.map((a) => h('button', {type: 'button', dataset: {action: a}, class: ACTIONS[a]?.danger ? 'danger' : 'primary',
          onclick: () => open(a)}, label(Object.fromEntries(Object.entries(ACTIONS).map(([k, v]) => [k, v.label])), a))))
        : h('p', {class: 'muted'}, ctx.can('breach_workflow') ? '当前状态下没有可执行的操作。' : '当前令牌的角色只能查看，不能处理违诺记录。'),
      actionArea),
    h('div', {class: 'grid2'},
      section('基本情况',
        field('履约方', obligorHref ? link(obligorHref, b.names.obligor) : b.names.obligor, h('span', {class: 'muted'}, `（${label(OBLIGOR_SIDES, b.obligor_side)}）`)),
        field('监管机关', b.names.body),
        field('地区', b.names.region),
        field('协议', b.names.agreement || '—'),
        field('承诺', b.names.commitment || '—'),
        field('约定期限', b.due || '—'),
        field('发生日期', b.occurred_on || '—'),
        field('逾期天数', b.days_late ?? '—'),
        b.shortfall ? field('未履行金额', money(b.shortfall)) : null,
        field('发现日期', b.detected_on),
        b.rectification_deadline ? field('整改期限', b.rectification_deadline) : null,
        b.recorded_on ? field('认定日期', b.recorded_on) : null,
        b.mitigation ? field('从轻/免责', b.mitigation.decision === 'exempt' ? '免予惩戒' : '从轻') : null,
        field('检测说明', h('span', {class: 'small'}, b.summary)),
        ctx.canTrail ? field('审计轨迹', link(`#/trail/breach/${encodeURIComponent(b.id)}`, '查看该记录的全部变更与证明')) : null),
      section('责任人（项目责任回溯）', table([
        {title: '姓名', cell: (o) => link(`#/officials/${encodeURIComponent(o.official_id)}`, o.name || o.official_id)},
        {title: '责任', cell: (o) => label(OFFICIAL_ROLES, o.role)},
        {title: '职务/角色', cell: (o) => (o.title === 'committed' ? '作出承诺' : o.title)},
      ], b.officials || [], {id: 'officials-table', empty: '未追溯到责任人'}),
      h('h3', {}, '证据（履约事实）'),
      table([
        {title: '日期', cell: (f) => f.on || '—', class: 'nowrap'},
        {title: '事实', cell: (f) => label(FACT_KINDS, f.kind)},
        {title: '说明', cell: (f) => [f.score !== undefined && f.score !== null ? `验收得分 ${f.score}` : '', f.reason || '', f.amount ? money(f.amount) : ''].filter(Boolean).join('；') || '—'},
      ], b.evidence_facts || [], {empty: '无事实记录（未履行即无事实）'}))),
    section('处理经过', table([
      {title: '#', cell: (x) => x.seq, class: 'num'},
      {title: '操作', cell: (x) => label(HISTORY_ACTIONS, x.action)},
      {title: '状态', cell: (x) => `${x.from ? label(STATES, x.from) : '—'} → ${label(STATES, x.to)}`, class: 'nowrap'},
      {title: '决定日期', cell: (x) => x.as_of, class: 'nowrap'},
      {title: '操作人', cell: (x) => x.actor},
      {title: '理由', cell: (x) => x.reason},
    ], b.history || [], {id: 'history-table'})));
}

/** The form of one action: reason (required), the action's own fields, and the decision date. */
function actionForm(action, breach, etag, done) {
  const spec = ACTIONS[action] || {label: action, fields: []};
  const inputs = {};
  const fieldEls = spec.fields.map((f) => {
    let input;
    if (f.type === 'textarea') input = h('textarea', {name: f.name, required: f.required, rows: 3});
    else if (f.type === 'select') input = h('select', {name: f.name}, Object.entries(f.options).map(([v, t]) => h('option', {value: v}, t)));
    else if (f.type === 'checkbox') input = h('input', {type: 'checkbox', name: f.name});
    else input = h('input', {type: f.type, name: f.name, required: f.required, min: f.min, max: f.max, placeholder: f.placeholder});
    inputs[f.name] = {input, spec: f};
    return h('label', {class: f.type === 'checkbox' ? 'check' : 'stack'}, f.label, input);
  });
  const reason = h('textarea', {name: 'reason', id: 'action-reason', required: true, rows: 3, placeholder: '请写明依据和理由（必填）'});
  const asOf = h('input', {type: 'date', name: 'as_of', max: today(), 'aria-label': '决定日期'});
  const submit = h('button', {type: 'submit', class: spec.danger ? 'danger' : 'primary', id: 'action-submit'}, `确认${spec.label}`);
  const form = h('form', {class: 'action-form', dataset: {action}},
    h('h3', {}, `${spec.label}（将以 If-Match: ${etag} 提交）`),
    h('label', {class: 'stack'}, '理由', reason),
    fieldEls,
    h('label', {class: 'stack'}, '决定日期（不填为今天）', asOf),
    h('div', {}, submit, ' ', h('button', {type: 'button', onclick: () => form.remove()}, '取消')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {reason: reason.value};
    for (const [k, {input, spec: f}] of Object.entries(inputs)) {
      if (f.type === 'checkbox') { if (input.checked) body[k] = true; }
      else if (f.type === 'number') { if (input.value) body[k] = Number(input.value); }
      else if (input.value) body[k] = input.value;
    }
    if (asOf.value) body.as_of = asOf.value;
    submit.disabled = true;
    try {
      const r = await request('POST', `/breaches/${encodeURIComponent(breach.id)}/actions/${action}`, {body, ifMatch: etag});
      await done({ok: true, data: r.data});
    } catch (err) {
      submit.disabled = false;
      if (!(err instanceof ApiError)) throw err;
      await done({ok: false, error: err});
    }
  });
  setTimeout(() => reason.focus(), 0);
  return form;
}
