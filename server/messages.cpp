#include "server/messages.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pactwatch::server {

namespace {

struct Entry {
  std::string_view en;  ///< English template: `{}` for each variable part
  std::string_view zh;  ///< the Chinese template, the same `{}` in the same order
};

// Longer, more specific templates first: the first that matches is used.
constexpr std::array kCatalogue{
    // Problem titles that are not reason phrases.
    Entry{"Validation failed", "参数校验失败"},
    // Transport and request framing (server/http_server.cpp, server/http_message.cpp).
    Entry{"No resource at this path.", "此路径下没有资源。"},
    Entry{"This resource does not support {}.", "此资源不支持 {} 方法。"},
    Entry{"The request path is not a valid percent-encoded absolute path.",
          "请求路径不是合法的百分号编码绝对路径。"},
    Entry{"The server is overloaded; retry shortly.", "服务器繁忙，请稍后重试。"},
    Entry{"The server is shutting down.", "服务器正在关闭。"},
    Entry{"The request body is not valid JSON.", "请求体不是合法的 JSON。"},
    Entry{"The request body must be a JSON object.", "请求体必须是 JSON 对象。"},
    Entry{"The request body exceeds {}", "请求体超过 {}"},
    Entry{"The query string has a malformed percent-escape.", "查询字符串含有错误的百分号转义。"},
    Entry{"The request could not be completed; quote the request id.",
          "请求未能完成；请提供请求编号（request id）。"},
    Entry{"The server failed to handle this request; quote the request id when reporting it.",
          "服务器处理请求失败；反映问题时请提供请求编号（request id）。"},
    // Authentication and authorisation (server/auth.cpp).
    Entry{"cannot check the token now; retry later", "暂时无法核验令牌，请稍后重试"},
    Entry{"role {} may not use this route", "角色 {} 无权使用此接口"},
    Entry{"no such record, or outside the token's region", "没有该记录，或不在令牌所属辖区内"},
    // Workflow and complaints.
    Entry{"An update needs If-Match with the ETag of the version it changes.",
          "修改须以 If-Match 头给出所修改版本的 ETag。"},
    Entry{"A transition needs If-Match with the ETag of the breach it acts on.",
          "办理操作须以 If-Match 头给出所操作违诺记录的 ETag。"},
    Entry{"Too many complaints from this address; try again later.", "此地址投诉过于频繁，请稍后再试。"},
    Entry{"Too many look-ups from this address; try again later.", "此地址查询过于频繁，请稍后再试。"},
    Entry{"A complaint may be at most {} bytes.", "投诉内容最多 {} 字节。"},
    Entry{"The supervision office will verify the complaint.", "监督机关将核实该投诉。"},
    Entry{"No complaint has this receipt code.", "没有该回执码对应的投诉。"},
    // Evaluation answers.
    Entry{"nothing was due in the window: no data", "评价期内没有到期承诺，无数据"},
    // Field messages (validation problems), most specific first.
    Entry{"is required: the written explanation (书面说明原因)", "必填：书面说明原因"},
    Entry{"is required: the evidence of rectification", "必填：整改证据"},
    Entry{"is required: lighter (从轻) or exempt (免于惩戒)", "必填：从轻或免于惩戒"},
    Entry{"is required for this kind of fact", "此类事实必填"},
    Entry{"is required unless kind is pledge", "除公开承诺（pledge）外必填"},
    Entry{"is required for {}", "{} 必填"},
    Entry{"is required", "必填"},
    Entry{"is not a parameter of this route", "不是此接口的参数"},
    Entry{"is not a filter of this list", "不是此列表的筛选条件"},
    Entry{"is not a field of this resource (ids, versions and computed fields are set by the server)",
          "不是此资源的字段（编号、版本和计算字段由服务器设置）"},
    Entry{"is not a field of this resource", "不是此资源的字段"},
    Entry{"is not a cursor this service issued (use next_cursor as given)",
          "不是本服务签发的游标（请原样使用 next_cursor）"},
    Entry{"is not a valid unified social credit code: {}", "不是有效的统一社会信用代码：{}"},
    Entry{"must be a date YYYY-MM-DD that exists: {}", "必须是存在的日期（YYYY-MM-DD）：{}"},
    Entry{"must be a date YYYY-MM-DD", "必须是日期（YYYY-MM-DD）"},
    Entry{"must be a six-digit GB/T 2260 region code: {}", "必须是六位 GB/T 2260 行政区划代码：{}"},
    Entry{"must be a six-digit GB/T 2260 region code", "必须是六位 GB/T 2260 行政区划代码"},
    Entry{"must be an RFC 3339 instant, e.g. 2026-11-26T05:29:13Z",
          "必须是 RFC 3339 时刻，如 2026-11-26T05:29:13Z"},
    Entry{"must be a positive integer", "必须是正整数"},
    Entry{"must be a whole number from {} to {}", "必须是 {} 到 {} 之间的整数"},
    Entry{"must be an integer from {} to {} (working days)", "必须是 {} 到 {} 之间的整数（工作日）"},
    Entry{"must be an integer from {} to {}", "必须是 {} 到 {} 之间的整数"},
    Entry{"appears more than once in its object; send each member once",
          "在同一对象中出现多次；每个成员只能给出一次"},
    Entry{"status must be open, resolved or failed", "status 必须是 open、resolved 或 failed"},
    Entry{"must be a string, not {}", "必须是字符串，而不是 {}"},
    Entry{"must be true or false, not {}", "必须是 true 或 false，而不是 {}"},
    Entry{"must be true or false", "必须是 true 或 false"},
    Entry{"must be an object with name, phone and email", "必须是含 name、phone、email 的对象"},
    Entry{"must be an object", "必须是对象"},
    Entry{"must be an e-mail address", "必须是电子邮件地址"},
    Entry{"must be csv or json", "必须是 csv 或 json"},
    Entry{"must be region or body", "必须是 region 或 body"},
    // Found by the HTTP suites' untranslated-text check (tests/support/untranslated_messages.cpp).
    Entry{"If-Match does not match the current ETag {}", "If-Match 与当前 ETag {} 不符"},
    Entry{"No action {}; the actions are {}", "没有操作 {}；可用的操作有：{}"},
    Entry{
        "This route covers the whole prefecture's trail; it needs a token that is not scoped to a region. A "
        "region-scoped token reads the entries, proofs and histories of its region's entities.",
        "此接口覆盖全州的轨迹，需使用未限定辖区的令牌；限定辖区的令牌可查询本辖区记录的条目、证明和变更历史"
        "。"},
    Entry{"This instance has no checkpoint signing key loaded.", "本实例未加载检查点签名密钥。"},
    Entry{"a region-scoped token must give at least one post at a body in its region",
          "限定辖区的令牌须至少给出一个位于本辖区主体的职务"},
    Entry{"an amended fact needs new_due or new_amount", "变更事实须给出 new_due 或 new_amount"},
    Entry{"applies only to acceptance facts", "仅适用于验收事实"},
    Entry{"credit_code {} already belongs to {}", "统一社会信用代码 {} 已属于 {}"},
    Entry{"is in {} but the commitment is in {}", "币种为 {}，而承诺的币种为 {}"},
    Entry{"must be UTF-8 text", "必须是 UTF-8 文本"},
    Entry{"must not be null (leave it out instead)", "不能为 null（不需要时请省略该字段）"},
    Entry{"must not be null", "不能为 null"},
    Entry{"must not contain control characters ({}); it is one line of text",
          "不能含控制字符（{}）；此字段为单行文本"},
    Entry{"names no region {} (see GET /api/v1/regions)", "没有行政区划 {}（见 GET /api/v1/regions）"},
    Entry{"nests arrays and objects deeper than {} levels", "数组与对象嵌套超过 {} 层"},
    Entry{"no outbox row {}", "没有推送队列记录 {}"},
    Entry{"official {} has a post that lies (also) outside region {}; only an unscoped token, or one whose "
          "region "
          "holds it, may change it",
          "公职人员 {} 有职务（也）位于辖区 {} 之外；只有未限定辖区的令牌或职务所在辖区的令牌可以修改"},
    Entry{
        "organization {} is named by {} agreement(s) outside region {}; only an unscoped token may change a "
        "shared organization",
        "组织 {} 被 {} 份位于辖区 {} 之外的协议引用；只有未限定辖区的令牌可以修改共用的组织"},
    Entry{"platform_project_code {} already belongs to another agreement",
          "平台项目编号 {} 已属于另一份协议"},
    Entry{
        "post {} of {} is at a body that lies (also) outside region {}; only an unscoped token, or one whose "
        "region holds it, may change it",
        "第 {} 个职务（公职人员 {}）所在主体（也）位于辖区 {} "
        "之外；只有未限定辖区的令牌或该主体所在辖区的令牌可以修改"},
    Entry{"the post is already closed; posts are history and are not rewritten",
          "该职务已结束；职务是历史记录，不能改写"},
    Entry{"the tenure overlaps {}'s tenure as {} from {} to {}", "任期与 {} 担任{}的任期（{} 至 {}）重叠"},
    Entry{"the token is unknown or revoked", "令牌不存在或已撤销"},
    Entry{"the trail holds no entry for {} {}", "轨迹中没有{} {} 的记录"},
    Entry{"was already used with another request body", "已用于另一个请求体"},
    Entry{"{} {} did not exist as of {}", "{} {} 在 {} 时尚不存在"},
    Entry{"outbox row {} is {}; only a failed row can be retried",
          "推送队列记录 {} 的状态为 {}；只有失败的记录可以重试"},
    Entry{"tree_size must be between the entry's seq {} and the trail's size {}",
          "tree_size 必须介于该条目的序号 {} 与轨迹的长度 {} 之间"},
    Entry{"must be one or more of {}, separated by commas", "必须是以下一项或多项（以逗号分隔）：{}"},
    Entry{"must be one or more of {}", "必须是以下一项或多项：{}"},
    Entry{"must be one of {}", "必须是以下之一：{}"},
    Entry{"must be at most {} bytes", "最多 {} 字节"},
    Entry{"must be at most {}", "最多 {}"},
    Entry{"must not be after today: facts of the future are unknown", "不得晚于今天：未来的事实尚不可知"},
    Entry{"must not be after today", "不得晚于今天"},
    Entry{"must not be blank", "不得为空白"},
    Entry{"must not be empty", "不得为空"},
    Entry{"must not be negative", "不得为负数"},
    Entry{"must be 1 to 255 visible ASCII characters", "必须是 1 到 255 个可见 ASCII 字符"},
    Entry{"must be TYPE or TYPE:ID, e.g. agreement:agr_01J…",
          "必须是 类型 或 类型:编号，如 agreement:agr_01J…"},
    Entry{"names no agreement (id, PROJECT_CODE or UNIFIED_DEAL_CODE)",
          "找不到该协议（编号、项目编号或统一交易标识码）"},
    Entry{"names no commitment of that agreement", "不是该协议的承诺"},
    Entry{"names a fact of another commitment", "指向其他承诺的事实"},
    Entry{"names no agreement {}", "找不到协议 {}"},
    Entry{"names no body {}", "找不到主体 {}"},
    Entry{"names no commitment {}", "找不到承诺 {}"},
    Entry{"names no fact {}", "找不到事实 {}"},
    Entry{"names no official {}", "找不到公职人员 {}"},
    Entry{"names no organization {}", "找不到组织 {}"},
    Entry{"is before from", "早于 from"},
    Entry{"is before the agreement's signing date {}", "早于协议签订日期 {}"},
    Entry{"is before the post's from date {}", "早于任职开始日期 {}"},
    Entry{"is after the due date {}", "晚于到期日 {}"},
    Entry{"is outside the region {}", "不在地区 {} 之内"},
    Entry{"cannot be changed", "不可更改"},
    Entry{"cannot be the body itself", "不能是主体自身"},
    Entry{"is not a valid code", "不是有效的代码"},
    // Not found (store errors).
    Entry{"no agreement {}", "没有协议 {}"},
    Entry{"no body {}", "没有主体 {}"},
    Entry{"no breach {}", "没有违诺记录 {}"},
    Entry{"no commitment {}", "没有承诺 {}"},
    Entry{"no fact {}", "没有事实 {}"},
    Entry{"no official {}", "没有公职人员 {}"},
    Entry{"no organization {}", "没有组织 {}"},
    Entry{"no post {}", "没有任职 {}"},
    Entry{"no region {}", "没有地区 {}"},
    Entry{"no stage {}", "没有阶段 {}"},
    Entry{"no quarantine entry {}", "没有隔离记录 {}"},
    Entry{"no trail entry {}", "没有轨迹条目 {}"},
    Entry{"{} was changed by another request meanwhile", "{} 已被其他请求修改"},
    // Breach summaries (domain/rules.cpp, domain/detection.cpp) and warnings.
    Entry{"{}: not performed by due date + grace ({}, due {}, {} days late)",
          "{}：到期（含宽限期）未履行（{}，应于 {} 履行，逾期 {} 天）"},
    Entry{"{}: performed only in part by due date + grace ({}, due {}, {} days late)",
          "{}：到期（含宽限期）仅部分履行（{}，应于 {} 履行，逾期 {} 天）"},
    Entry{"{}: court judgment or arbitral award not performed by its deadline ({}, due {}, {} days late)",
          "{}：未在期限内履行生效判决或仲裁裁决（{}，应于 {} 履行，逾期 {} 天）"},
    Entry{"{}: public pledge not delivered by its date ({}, due {}, {} days late)",
          "{}：公开承诺未按期兑现（{}，应于 {} 兑现，逾期 {} 天）"},
    Entry{"{}: deliverable failed acceptance (履约验收不合格) ({}, due {}, {} days late)",
          "{}：履约验收不合格（{}，应于 {} 交付，逾期 {} 天）"},
    // The other rules' findings: their "what" translated here, the frame by the entry below.
    Entry{"SME paid later than the statutory term", "向中小企业付款超过法定期限"},
    Entry{"paid later than agreed", "付款晚于约定期限"},
    Entry{"changed or revoked without legal basis, authority, procedure or compensation",
          "无法定依据、权限、程序或补偿而变更或撤销"},
    Entry{"broken citing government turnover, personnel change or restructuring",
          "以政府换届、领导人员更替或机构调整为由违约"},
    Entry{"deliverable failed acceptance (履约验收不合格)", "履约验收不合格"},
    Entry{"terminated early by the government without lawful grounds and a compensation decision",
          "政府方无合法事由且未作补偿决定而提前解除"},
    Entry{"{}: {} ({}, due {}, {} days late)", "{}：{}（{}，应于 {} 履行，逾期 {} 天）"},
    Entry{"{} 多次失信: {} recorded breaches of {} within {} days up to {}",
          "{} 多次失信：{} 在截至 {} 的 {} 天内有 {} 次失信记录"},
    // The most general last: a validation problem's "field: message" and its count.
    Entry{"{} fields are invalid", "{} 个字段不合法"},
    Entry{"{}: {}", "{}：{}"},
};

// A template's variable parts may be reordered in Chinese: the BC09 summary names the obligor and date
// before the counts. Each entry listing an order here fills its `{}` with the English parts in that order.
struct Order {
  std::string_view en;
  std::array<int, 5> parts;
};
constexpr std::array kOrders{
    Order{"{} 多次失信: {} recorded breaches of {} within {} days up to {}", {0, 2, 4, 3, 1}},
};

/** Matches `text` against `pattern` (`{}` = one or more characters, shortest first); the parts or nullopt. */
std::optional<std::vector<std::string_view>> match(std::string_view pattern, std::string_view text) {
  std::vector<std::string_view> parts;
  const auto hole = pattern.find("{}");
  if (hole == std::string_view::npos) {
    if (pattern == text) return parts;
    return std::nullopt;
  }
  if (!text.starts_with(pattern.substr(0, hole))) return std::nullopt;
  text.remove_prefix(hole);
  pattern.remove_prefix(hole + 2);
  // The literal after this hole (up to the next hole or the end) bounds the part.
  const auto next = pattern.find("{}");
  const std::string_view literal = pattern.substr(0, next);
  if (literal.empty()) {
    if (next == std::string_view::npos) {  // the hole ends the pattern: the rest is the part
      if (text.empty()) return std::nullopt;
      return std::vector<std::string_view>{text};
    }
    return std::nullopt;  // two holes side by side are ambiguous: no such templates
  }
  for (std::size_t at = text.find(literal, 1); at != std::string_view::npos;
       at = text.find(literal, at + 1)) {
    auto rest = match(pattern, text.substr(at));
    if (!rest) continue;
    parts.push_back(text.substr(0, at));
    parts.insert(parts.end(), rest->begin(), rest->end());
    return parts;
  }
  return std::nullopt;
}

std::string fill(std::string_view pattern, const std::vector<std::string>& parts) {
  std::string out;
  std::size_t k = 0;
  for (auto hole = pattern.find("{}"); hole != std::string_view::npos; hole = pattern.find("{}")) {
    out += pattern.substr(0, hole);
    if (k < parts.size()) out += parts[k++];
    pattern.remove_prefix(hole + 2);
  }
  return out + std::string(pattern);
}

/** Lower-case ASCII. */
std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

/** `s` without the spaces and tabs around it. */
std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

Language preferred_language(std::optional<std::string_view> accept_language) {
  if (!accept_language) return Language::zh;
  double best_q = -1;
  Language best = Language::zh;
  std::string_view rest = *accept_language;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const auto semicolon = item.find(';');
    const std::string tag = lower(trim(item.substr(0, semicolon)));
    double q = 1.0;
    if (semicolon != std::string_view::npos) {
      const std::string_view param = trim(item.substr(semicolon + 1));
      if (param.starts_with("q=")) {
        const std::string value(param.substr(2));
        try {
          q = std::stod(value);
        } catch (const std::exception&) {
          q = 0;
        }
      }
    }
    std::optional<Language> language;
    if (tag == "en" || tag.starts_with("en-")) language = Language::en;
    if (tag == "zh" || tag.starts_with("zh-")) language = Language::zh;
    if (language && q > 0 && q > best_q) {
      best_q = q;
      best = *language;
    }
  }
  return best;
}

Language language_of(const Request& request) {
  return preferred_language(request.headers.get("Accept-Language"));
}

namespace {

std::mutex untranslated_mutex;
std::vector<std::string> untranslated;  // guarded by untranslated_mutex

/** Has `text` a word of two or more Latin letters (an English word, not an id like agr_1 or a date)? */
bool has_english_word(std::string_view text) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (std::isalpha(c)) {
      ++run;
      continue;
    }
    const bool word_end = c == ' ' || c == ',' || c == '.' || c == ';' || c == ':' || c == ')';
    if (run >= 2 && word_end) return true;
    run = 0;
  }
  return false;
}

/** localized() for a whole problem text: remembers an English text no entry matched. */
std::string localized_text(const std::string& english, Language language) {
  std::string text = localized(english, language);
  if (language == Language::zh && text == english && has_english_word(english)) {
    std::lock_guard lock(untranslated_mutex);
    if (untranslated.size() < 200 &&
        std::find(untranslated.begin(), untranslated.end(), english) == untranslated.end())
      untranslated.push_back(english);
  }
  return text;
}

}  // namespace

std::vector<std::string> untranslated_texts() {
  std::lock_guard lock(untranslated_mutex);
  return untranslated;
}

std::string localized(std::string_view english, Language language) {
  if (language == Language::en || english.empty()) return std::string(english);
  for (const Entry& entry : kCatalogue) {
    auto parts = match(entry.en, english);
    if (!parts) continue;
    std::vector<std::string> filled;
    const auto order =
        std::find_if(kOrders.begin(), kOrders.end(), [&](const Order& o) { return o.en == entry.en; });
    for (std::size_t i = 0; i < parts->size(); ++i) {
      const std::size_t from = order == kOrders.end() ? i : static_cast<std::size_t>(order->parts[i]);
      // A part is itself translated when the catalogue knows it ("name: must be …").
      filled.push_back(from < parts->size() ? localized((*parts)[from], language) : std::string{});
    }
    return fill(entry.zh, filled);
  }
  return std::string(english);
}

std::string status_title(int status, Language language) {
  if (language == Language::en) return std::string(reason_phrase(status));
  switch (status) {
    case 400:
      return "请求有误";
    case 401:
      return "未认证";
    case 403:
      return "无权访问";
    case 404:
      return "未找到";
    case 405:
      return "方法不允许";
    case 406:
      return "无法提供所请求的格式";
    case 408:
      return "请求超时";
    case 409:
      return "冲突";
    case 411:
      return "需要 Content-Length";
    case 412:
      return "前提条件不成立";
    case 413:
      return "请求内容过大";
    case 414:
      return "请求地址过长";
    case 415:
      return "不支持的媒体类型";
    case 422:
      return "无法处理的内容";
    case 428:
      return "需要前提条件";
    case 429:
      return "请求过于频繁";
    case 431:
      return "请求头过大";
    case 500:
      return "服务器内部错误";
    case 501:
      return "未实现";
    case 503:
      return "服务暂不可用";
    default:
      return std::string(reason_phrase(status));
  }
}

void localize_problem(Response& response, Language language) {
  const bool problem = response.content_type == kProblemContentType;
  if (!problem && !response.content_type.starts_with("application/json") &&
      !response.content_type.starts_with("text/csv"))
    return;
  const auto vary = response.headers.get("Vary");
  response.headers.set("Vary", vary ? std::string(*vary) + ", Accept-Language" : "Accept-Language");
  response.headers.set("Content-Language", language == Language::en ? "en" : "zh-CN");
  if (language == Language::en || !problem) return;
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object()) return;
  if (auto title = body.find("title"); title != body.end() && title->is_string()) {
    const std::string text = title->get<std::string>();
    *title = text == reason_phrase(response.status) ? status_title(response.status, language)
                                                    : localized_text(text, language);
  }
  if (auto detail = body.find("detail"); detail != body.end() && detail->is_string())
    *detail = localized_text(detail->get<std::string>(), language);
  if (auto errors = body.find("errors"); errors != body.end() && errors->is_array()) {
    for (auto& error : *errors)
      if (error.is_object() && error.contains("message") && error["message"].is_string())
        error["message"] = localized_text(error["message"].get<std::string>(), language);
  }
  response.body = body.dump();
}

}  // namespace pactwatch::server
