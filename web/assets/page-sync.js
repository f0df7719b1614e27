// 同步: the platform sync runs (公共资源交易平台 feeds) and the quarantine of records that could not be
// stored, each re-processable by a token with sync_write (platform, admin).
import {ApiError, getAll, request} from './api.js';
import {h, instant, notice, render, section, table} from './dom.js';
import {label, QUARANTINE_REASONS, SYNC_STATUS} from './labels.js';

export async function show(el, ctx) {
  const [runs, quarantine] = await Promise.all([getAll('/sync/runs', {}, 200), getAll('/sync/quarantine', {status: 'open'}, 500)]);
  runs.sort((a, b) => String(b.started_at).localeCompare(String(a.started_at)));
  const message = h('div', {id: 'sync-message'});
  const canReprocess = ctx.can('sync_write');
  const reprocess = async (entry, button) => {
    button.disabled = true;
    try {
      const {data} = await request('POST', `/sync/quarantine/${encodeURIComponent(entry.id)}/reprocess`);
      render(message, notice(data.status === 'resolved' ? 'ok' : 'warn',
        data.status === 'resolved' ? `已重新处理并入库：${entry.external_key || entry.id}` : `重新处理后仍有问题：${(data.reasons || []).join('、')}`));
      await show(el, ctx);
    } catch (e) {
      button.disabled = false;
      // 422: the entry cannot be re-processed as it is (e.g. no release in its raw text): fix the source.
      const text = e instanceof ApiError && e.status === 422 ? '该隔离记录无法重新处理，需在数据源处更正后再同步。' : e.message;
      render(message, notice('error', text, e instanceof ApiError && e.details ? ` ${e.details}` : ''));
    }
  };
  render(el,
    h('div', {class: 'page-head'}, h('h1', {}, '同步'), h('span', {class: 'muted'}, '公共资源交易平台数据同步')),
    message,
    section(`最近的同步运行（${runs.length}）`, table([
      {title: '来源', cell: (r) => r.source},
      {title: '状态', cell: (r) => label(SYNC_STATUS, r.status)},
      {title: '开始', cell: (r) => instant(r.started_at), class: 'nowrap'},
      {title: '结束', cell: (r) => instant(r.ended_at), class: 'nowrap'},
      {title: '读取', cell: (r) => r.fetched, class: 'num'},
      {title: '新增', cell: (r) => r.created, class: 'num'},
      {title: '更新', cell: (r) => r.updated, class: 'num'},
      {title: '未变', cell: (r) => r.unchanged, class: 'num'},
      {title: '隔离', cell: (r) => r.quarantined, class: 'num'},
      {title: '说明', cell: (r) => r.message || '—'},
    ], runs, {id: 'runs-table', empty: '还没有同步运行（pactwatch sync 或 serve 的定时同步会记录在此）'})),
    section(`隔离区：待处理（${quarantine.length}）`,
      canReprocess ? null : h('p', {class: 'muted small'}, '重新处理需要平台对接或系统管理员令牌；当前令牌只能查看。'),
      table([
        {title: '来源', cell: (q) => q.source},
        {title: '原因', cell: (q) => h('span', {title: q.reason}, label(QUARANTINE_REASONS, q.reason))},
        {title: '说明', cell: (q) => q.message},
        {title: '外部编号', cell: (q) => q.external_key || '—'},
        {title: '位置', cell: (q) => q.location || '—'},
        {title: '隔离时间', cell: (q) => instant(q.created_at), class: 'nowrap'},
        {title: '', cell: (q) => {
          const b = h('button', {type: 'button', class: 'reprocess', disabled: !canReprocess}, '重新处理');
          b.addEventListener('click', () => reprocess(q, b));
          return b;
        }},
      ], quarantine, {id: 'quarantine-table', empty: '隔离区为空'})));
}
