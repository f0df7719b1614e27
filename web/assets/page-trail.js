// 审计轨迹: the accountability trail of one entity (every change, who, why), the inclusion proof of an entry
// checked in the browser, and the verification of the whole trail by the server.
import {ApiError, get} from './api.js';
import {field, h, instant, notice, render, section, table} from './dom.js';
import {label, ROLES, RULES, TRAIL_TYPES} from './labels.js';
import {verifyInclusion} from './merkle.js';

// The records the heading names by their own name or title (one read of the record viewed).
const NAMED = {agreement: 'agreements', commitment: 'commitments', body: 'bodies', official: 'officials',
  organization: 'organizations', region: 'regions'};

async function titleOf(type, id) {
  const r = await get(`/${NAMED[type]}/${encodeURIComponent(id)}`).catch(() => null);
  return (r && (r.name || r.title)) || id;
}

export async function show(el, ctx, params) {
  const [type = 'breach', id = ''] = params;
  render(el, h('div', {class: 'page-head'}, h('h1', {}, '审计轨迹'),
    h('span', {class: 'muted'}, '哈希链 + Merkle 树（RFC 9162），每次变更一条，不可改写')));
  if (ctx.scoped) {
    el.append(notice('info', `当前令牌限定于 ${ctx.scopeName}：可查询本辖区记录的变更轨迹和包含证明；同时涉及其他辖区记录的变更集不予显示，验证整条轨迹须使用未限定辖区的令牌。`));
  }
  const typeSelect = h('select', {id: 'trail-type', 'aria-label': '类型'},
    Object.entries(TRAIL_TYPES).map(([k, v]) => h('option', {value: k, selected: k === type}, v)));
  const idInput = h('input', {type: 'text', id: 'trail-id', value: id, placeholder: '记录编号，如 brc_… 或 agr_…', 'aria-label': '记录编号'});
  const form = h('form', {class: 'filters'}, h('label', {class: 'filter'}, '类型', typeSelect),
    h('label', {class: 'filter grow'}, '编号', idInput), h('button', {type: 'submit', class: 'primary'}, '查询'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (idInput.value.trim()) location.hash = `#/trail/${typeSelect.value}/${encodeURIComponent(idInput.value.trim())}`;
  });
  const verifyOut = h('div', {id: 'verify-result'});
  const verifyButton = h('button', {type: 'button', id: 'verify-trail'}, '验证整条轨迹');
  verifyButton.addEventListener('click', async () => {
    verifyButton.disabled = true;
    render(verifyOut, h('p', {class: 'muted'}, '服务器正在逐条重算哈希链和 Merkle 树…'));
    try {
      const v = await get('/trail/verify');
      render(verifyOut, v.ok
        ? notice('ok', `轨迹完整：已验证 ${v.entries_verified} 条记录、${v.checkpoints_verified}/${v.checkpoints} 个签名检查点；根哈希 `, h('code', {}, v.root_hash), `（至第 ${v.head_seq} 条）。`)
        : notice('error', '轨迹验证失败：', JSON.stringify(v.finding || v.tree_nodes_problem)));
    } catch (e) {
      render(verifyOut, notice('error', e.message, e instanceof ApiError && e.details ? ` ${e.details}` : ''));
    } finally {
      verifyButton.disabled = false;
    }
  });
  el.append(section('查询记录的变更轨迹', form));
  if (!ctx.scoped) el.append(section('完整性', h('div', {class: 'actions-bar'}, verifyButton), verifyOut));
  if (!id) return;

  const result = h('div', {id: 'trail-entries'});
  el.append(result);
  let history;
  try {
    history = await get(`/trail/entities/${encodeURIComponent(type)}/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      render(result, notice('info', `轨迹中没有${label(TRAIL_TYPES, type)} ${id} 的记录${ctx.scoped ? `（或该记录不在 ${ctx.scopeName}）` : ''}。`));
      return;
    }
    throw e;
  }
  let title = NAMED[type] ? await titleOf(type, id) : id;
  if (type === 'breach') {
    const b = await get(`/breaches/${encodeURIComponent(id)}`).catch(() => null);
    if (b) title = `${b.rule} ${label(RULES, b.rule)} · ${b.agreement_title || b.agreement_id}（${id}）`;
  }
  const proofOut = h('div', {id: 'proof-result'});
  const showProof = async (seq) => {
    render(proofOut, h('p', {class: 'muted'}, `正在取第 ${seq} 条的包含证明…`));
    const proof = await get(`/trail/entries/${seq}/proof`);
    const check = verifyInclusion(proof);
    render(proofOut, section(`第 ${seq} 条的包含证明`,
      check.ok ? notice('ok', `浏览器独立验证通过：由条目哈希算出叶子哈希，再沿 ${proof.audit_path.length} 个审计路径节点算出的根哈希与树（${proof.tree_size} 条）的根一致。`)
        : notice('error', `验证失败：${check.why}`),
      field('条目哈希', h('code', {}, proof.entry_hash)),
      field('叶子序号 / 树大小', `${proof.leaf_index} / ${proof.tree_size}`),
      field('根哈希', h('code', {id: 'proof-root'}, proof.root_hash)),
      field('签名检查点', proof.checkpoint ? `第 ${proof.checkpoint.tree_size} 条时签名（${instant(proof.checkpoint.time || proof.checkpoint.signed_at)}）` : '尚无覆盖此条的签名检查点（稍后自动签名）'),
      h('details', {}, h('summary', {}, '审计路径'), h('ol', {class: 'mono small'}, proof.audit_path.map((p) => h('li', {}, p))))));
  };
  const withheld = history.entries_withheld || 0;
  render(result, section(`${label(TRAIL_TYPES, type)}：${title}（${history.entries.length} 条变更）`,
    withheld ? notice('info', h('span', {id: 'trail-withheld'}, `另有 ${withheld} 条变更集同时涉及其他辖区的记录，不向本令牌显示。`)) : null,
    table([
    {title: '#', cell: (e) => e.seq, class: 'num'},
    {title: '时间', cell: (e) => instant(e.time), class: 'nowrap'},
    {title: '操作', cell: (e) => h('code', {}, e.action)},
    {title: '操作人', cell: (e) => `${e.actor?.name || ''}（${label(ROLES, e.role)}）`},
    // The request's X-Reason, when a client sent one (a breach action's own reason is in its history).
    ...(history.entries.some((e) => e.reason) ? [{title: '请求说明', cell: (e) => e.reason || '—'}] : []),
    {title: '变更', cell: (e) => h('span', {class: 'small'}, describeEntry(e, type, id))},
    {title: '', cell: (e) => h('button', {type: 'button', class: 'proof', dataset: {seq: String(e.seq)}, onclick: () => showProof(e.seq).catch((err) => render(proofOut, notice('error', err.message)))}, '包含证明')},
  ], history.entries, {id: 'trail-table'}), proofOut));
}

/**
 * What an entry changed of this entity: of a change set (docs/TRAIL.md §2.4: [{type, id, op, patch}]) the
 * patches of its changes of the entity, noting the set's other changes; of an entry written before change
 * sets, its whole patch.
 */
function describeEntry(entry, type, id) {
  const patch = entry.patch || [];
  const isSet = patch.length > 0 && patch.every((c) => c && typeof c.type === 'string' && Array.isArray(c.patch));
  if (!isSet) return describePatch(patch);
  const own = patch.filter((c) => c.type === type && c.id === id);
  const others = patch.length - own.length;
  return describePatch(own.flatMap((c) => c.patch)) + (others ? `（同一变更集另有 ${others} 项变更）` : '');
}

/** A short text of a JSON patch: "新建" or "state → verified；version → 2". */
function describePatch(patch) {
  if (!patch?.length) return '—';
  if (patch.length === 1 && patch[0].path === '' && patch[0].op === 'add') return '新建';
  const history = patch.filter((p) => p.path.startsWith('/history')).length;
  const rest = patch.filter((p) => !p.path.startsWith('/history') && !['/updated_at', '/version'].includes(p.path));
  return [...(history ? ['处理经过 新增一条'] : []), ...rest.slice(0, 6).map((p) => {
    const v = typeof p.value === 'object' ? JSON.stringify(p.value) : p.value;
    const text = `${p.path.replace(/^\//, '')} ${p.op === 'remove' ? '删除' : `→ ${v}`}`;
    return text.length > 80 ? `${text.slice(0, 80)}…` : text;
  })].join('；');
}
