// Small DOM helpers: every text goes in as a text node (never innerHTML), so names and reasons that come
// from the API cannot inject markup.

/** h('div', {class: 'x', onclick: fn}, 'text', child, [more]) builds an element. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value') el.value = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function render(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A table: columns [{title, cell: row => node|text, class}], rows; `empty` when there are none. */
export function table(columns, rows, {empty = '暂无数据', id, onRow} = {}) {
  const head = h('tr', {}, columns.map((c) => h('th', {class: c.class}, c.title)));
  const body = rows.length
    ? rows.map((row) => {
        const tr = h('tr', {class: onRow ? 'clickable' : undefined},
          columns.map((c) => h('td', {class: c.class}, c.cell(row))));
        if (onRow) tr.addEventListener('click', (e) => { if (!e.target.closest('a,button')) onRow(row); });
        return tr;
      })
    : [h('tr', {}, h('td', {colspan: columns.length, class: 'empty'}, empty))];
  return h('table', {class: 'grid', id}, h('thead', {}, head), h('tbody', {}, body));
}

/** A labelled value block. */
export function field(label, ...value) {
  return h('div', {class: 'field'}, h('span', {class: 'label'}, label), h('span', {class: 'value'}, ...value));
}

/** A card with a big number. */
export function stat(label, value, {tone, id} = {}) {
  return h('div', {class: `stat ${tone || ''}`, id}, h('div', {class: 'stat-value'}, String(value)),
    h('div', {class: 'stat-label'}, label));
}

export function section(title, ...children) {
  return h('section', {class: 'panel'}, h('h2', {}, title), ...children);
}

/** A message box: tone is 'error', 'ok', 'warn' or 'info'. */
export function notice(tone, ...text) {
  return h('div', {class: `notice ${tone}`, role: tone === 'error' ? 'alert' : 'status'}, ...text);
}

export function link(href, text) {
  return h('a', {href}, text);
}

/** Today's date in Asia/Shanghai as YYYY-MM-DD (the API's calendar). */
export function today() {
  return new Intl.DateTimeFormat('en-CA', {timeZone: 'Asia/Shanghai'}).format(new Date());
}

/** "186000000.00" → "1.86 亿元"; "384000.00" → "38.40 万元". */
export function money(value) {
  if (!value || value.amount === undefined) return '—';
  const n = Number(value.amount);
  const unit = value.currency && value.currency !== 'CNY' ? ` ${value.currency}` : '';
  if (Math.abs(n) >= 1e8) return `${(n / 1e8).toFixed(2)} 亿元${unit}`;
  if (Math.abs(n) >= 1e4) return `${(n / 1e4).toFixed(2)} 万元${unit}`;
  return `${n.toFixed(2)} 元${unit}`;
}

/** 0.6818 → "68.2%"; null → "—". */
export function percent(share) {
  return share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)}%`;
}

/** A score to one decimal; null → "—". */
export function score(value) {
  return value === null || value === undefined ? '—' : Number(value).toFixed(1);
}

/** An instant (RFC 3339 UTC) shown in Beijing time. */
export function instant(text) {
  if (!text) return '—';
  const d = new Date(text);
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
  }).format(d);
}
