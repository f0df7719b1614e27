// Chinese labels of the API's codes (rules, severities, states, actions, roles, kinds). The rule names are
// those of domain/rule_catalogue.cpp.

export const RULES = {
  BC01: '逾期未履行', BC02: '部分履行', BC03: '拖欠账款', BC04: '违法变更承诺',
  BC05: '以换届或人员更替为由违约', BC06: '不履行生效裁判', BC07: '履约验收不合格', BC08: '违法解除合同',
  BC09: '多次失信', BC10: '公开承诺未兑现',
  W01: '即将到期', W02: '多次延期', W03: '变更增加金额', W04: '整改期限临近', W05: '中小企业付款期限超长',
};

export const SEVERITIES = {minor: '轻微', general: '一般', serious: '较重', severe: '严重'};
export const SEVERITY_ORDER = ['severe', 'serious', 'general', 'minor'];

export const STATES = {
  detected: '待核实', verified: '已核实', rectifying: '整改中', rectified: '已整改', recorded: '已认定失信',
  repair_requested: '信用修复申请中', repaired: '已信用修复', dismissed: '不予认定', under_review: '异议复核中',
  voided: '已撤销',
};
/** States a breach is still being handled in (not closed). */
export const OPEN_STATES = ['detected', 'verified', 'rectifying', 'recorded', 'repair_requested', 'under_review'];

/** Lifecycle actions (docs/WORKFLOW.md §2): label and the fields each needs besides `reason`. */
export const ACTIONS = {
  verify: {label: '核实确认', fields: []},
  dismiss: {label: '不予认定', fields: [], danger: true},
  order_rectification: {label: '责令整改', fields: [{name: 'deadline_working_days', label: '整改期限（工作日）', type: 'number', min: 1, max: 250, placeholder: '默认 15'}]},
  file_explanation: {label: '登记书面说明', fields: [{name: 'explanation', label: '书面说明', type: 'textarea', required: true}]},
  mark_rectified: {label: '确认整改完成', fields: [{name: 'evidence', label: '整改证据', type: 'text'}]},
  record: {label: '认定失信并记录', fields: [{name: 'refused', label: '被监督方拒不整改', type: 'checkbox'}], danger: true},
  file_objection: {label: '登记异议', fields: []},
  decide_objection: {label: '异议复核决定', fields: [{name: 'decision', label: '决定', type: 'select', options: {upheld: '异议成立（撤销）', rejected: '异议不成立'}}]},
  decide_mitigation: {label: '从轻或免予惩戒', fields: [{name: 'mitigation', label: '决定', type: 'select', options: {lighter: '从轻', exempt: '免予惩戒'}}]},
  request_repair: {label: '登记信用修复申请', fields: [{name: 'evidence', label: '整改证据', type: 'text', required: true}]},
  decide_repair: {label: '信用修复决定', fields: [{name: 'decision', label: '决定', type: 'select', options: {granted: '准予修复', denied: '不予修复'}}]},
};

export const HISTORY_ACTIONS = {detect: '检测发现', complaint: '投诉登记', ...Object.fromEntries(
  Object.entries(ACTIONS).map(([k, v]) => [k, v.label]))};

export const ROLES = {supervisor: '监管人员', platform: '平台对接', auditor: '审计人员', admin: '系统管理员'};

export const OFFICIAL_ROLES = {performing: '履约责任人', committing: '承诺责任人'};

export const AGREEMENT_KINDS = {procurement: '政府采购', ppp: 'PPP 项目', investment: '招商引资', pledge: '公开承诺'};

export const OBLIGOR_SIDES = {government: '政府方', counterparty: '合同相对方'};

export const SYNC_STATUS = {running: '进行中', succeeded: '成功', failed: '失败', partial: '部分成功', open: '待处理', resolved: '已解决'};

export const TRAIL_TYPES = {
  breach: '违诺记录', agreement: '协议', commitment: '承诺', fact: '履约事实', body: '机关单位', official: '公职人员',
  organization: '企业', region: '行政区划', token: '令牌',
};

export const GRADES = {A: '优秀（≥90）', B: '良好（75–90）', C: '合格（60–75）', D: '较差（<60）', '-': '无合同可评'};

export function label(map, code) {
  return map[code] || code || '—';
}

export const FACT_KINDS = {
  fulfilled: '履行', acceptance_passed: '验收合格', acceptance_failed: '验收不合格', amended: '依法变更',
  revoked: '撤销承诺', refused: '拒绝履行', not_performed: '未履行', terminated: '解除合同',
  judgment_issued: '作出裁判', judgment_fulfilled: '履行裁判',
};

/** True when GB/T 2260 region `code` lies within `scope` (a province, prefecture or county code). */
export function regionWithin(scope, code) {
  if (!scope) return true;
  if (scope.endsWith('0000')) return code.startsWith(scope.slice(0, 2));
  if (scope.endsWith('00')) return code.startsWith(scope.slice(0, 4));
  return code === scope;
}

/** A county-level code (neither a province nor a prefecture). */
export function isCounty(code) {
  return !code.endsWith('00');
}

/** Quarantine reasons (docs/SYNC.md, docs/OCDS_MAPPING.md, docs/EXCHANGE_DB.md); unknown ones show as sent. */
export const QUARANTINE_REASONS = {
  unmatched_transaction: '付款交易无法对应承诺', unresolved_commitment: '找不到对应承诺', invalid_fact: '履约事实不合规则', unresolved_agreement: '找不到对应协议',
  unresolved_party: '无法确定当事方', unknown_contract: '未知合同', unknown_currency: '未知币种', missing_due_date: '缺少到期日',
  missing_date: '缺少日期', missing_id: '缺少编号', missing_field: '缺少字段', missing_ocid: '缺少 OCID',
  missing_unified_deal_code: '缺少统一交易编码', missing_contract_code: '缺少合同编号', invalid_credit_code: '统一社会信用代码无效',
  invalid_value: '取值无效', invalid_amount: '金额无效', malformed_json: 'JSON 格式错误',
};
