// The API client: the bearer token lives in sessionStorage only (never in a URL, gone with the tab), every
// call goes to /api/v1 on this origin, and problem+json answers become ApiError with a Chinese message.

const TOKEN_KEY = 'pactwatch.token';
const BASE = '/api/v1';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}
export function setToken(value) {
  sessionStorage.setItem(TOKEN_KEY, value);
}
export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** What each status means for the person at the desk. */
const STATUS_TEXT = {
  400: '请求格式有误。',
  401: '令牌无效、已吊销或未登录，请重新登录。',
  403: '当前令牌的角色或辖区无权使用此功能。',
  404: '未找到该记录，或它不在当前令牌的辖区内。',
  405: '不支持此操作。',
  409: '当前状态不允许此操作，或与他人的操作冲突。',
  412: '该记录在您打开之后已被他人修改（版本不一致），您的操作未执行。已重新载入最新内容，请核对后再操作。',
  413: '提交的内容过大。',
  422: '输入有误，请检查标出的字段。',
  428: '缺少版本校验（If-Match），请重新打开记录后再操作。',
  429: '请求过于频繁，请稍后再试。',
  503: '数据库暂时不可用，请稍后重试。',
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(STATUS_TEXT[status] || `服务器返回错误（HTTP ${status}）。`);
    this.status = status;
    this.problem = problem || {};
  }
  /** The server's own words (detail and field errors), shown under the Chinese message. */
  get details() {
    const parts = [];
    if (this.problem.detail) parts.push(this.problem.detail);
    for (const e of this.problem.errors || []) parts.push(`${e.field}: ${e.message}`);
    if (this.problem.allowed_actions) parts.push(`当前允许的操作：${this.problem.allowed_actions.join('、') || '无'}`);
    return parts.join('；');
  }
}

let onUnauthorized = () => {};
/** Called on any 401 (the token was revoked or is wrong): the shell logs out. */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

function url(path, query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, v);
  }
  const qs = params.toString();
  return `${BASE}${path}${qs ? `?${qs}` : ''}`;
}

/**
 * Calls the API. Returns {data, etag, status}; throws ApiError on a 4xx/5xx. `ifMatch` sends If-Match (the
 * ETag of the version the user saw).
 */
export async function request(method, path, {query, body, ifMatch, idempotencyKey} = {}) {
  const headers = {Accept: 'application/json'};
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch) headers['If-Match'] = ifMatch;
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  let response;
  try {
    response = await fetch(url(path, query), {method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store'});
  } catch (e) {
    throw new ApiError(0, {detail: `无法连接服务器：${e.message}`});
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = {detail: text};
    }
  }
  if (!response.ok) {
    if (response.status === 401) onUnauthorized();
    throw new ApiError(response.status, data);
  }
  return {data, etag: response.headers.get('ETag'), status: response.status};
}

export async function get(path, query) {
  return (await request('GET', path, {query})).data;
}

/** Every item of a list route, following next_cursor; stops at `max` items (the answer says if it did). */
export async function getAll(path, query = {}, max = 5000) {
  const items = [];
  let cursor = null;
  do {
    const page = await get(path, {...query, limit: 500, cursor});
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  items.truncated = Boolean(cursor);
  return items;
}
