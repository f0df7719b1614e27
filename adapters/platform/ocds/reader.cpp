#include "adapters/platform/ocds/reader.hpp"

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "domain/date.hpp"

namespace pactwatch::platform::ocds {
namespace {

using nlohmann::json;

/**
 * A read buffer over another stream buffer that can record the bytes consumed between two points: the
 * SAX parser reads through it, and each release's exact source text is cut out without a second pass.
 */
class RecordingBuf : public std::streambuf {
 public:
  explicit RecordingBuf(std::streambuf* source) : source_(source), buffer_(1 << 16) {}

  /** Starts recording at the character just consumed (the '{' that opened the release). */
  void start() {
    recording_ = true;
    record_.clear();
    from_ = gptr() - 1;
  }
  /** Stops recording and returns everything consumed since start(), the closing '}' included. */
  std::string stop() {
    if (recording_) record_.append(from_, gptr());
    recording_ = false;
    return std::move(record_);
  }
  void cancel() {
    recording_ = false;
    record_.clear();
  }
  std::size_t consumed() const { return base_ + static_cast<std::size_t>(gptr() - eback()); }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (recording_) record_.append(from_, egptr());
    base_ += static_cast<std::size_t>(egptr() - eback());
    const std::streamsize n = source_->sgetn(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    char* begin = buffer_.data();
    setg(begin, begin, begin + std::max<std::streamsize>(n, 0));
    from_ = begin;
    return n > 0 ? traits_type::to_int_type(*begin) : traits_type::eof();
  }

 private:
  std::streambuf* source_;
  std::vector<char> buffer_;
  std::size_t base_ = 0;
  bool recording_ = false;
  char* from_ = nullptr;
  std::string record_;
};

/** Appends "/segment" to a JSON pointer, escaping '~' and '/' as RFC 6901 says. */
void append_segment(std::string& pointer, std::string_view segment) {
  pointer += '/';
  for (char c : segment) {
    if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer += c;
    }
  }
}

/** Builds one JSON document from SAX events and keeps the source text of its non-integer numbers. */
class DomBuilder {
 public:
  bool active() const { return !stack_.empty(); }

  void begin_root(json value) {
    root_ = std::move(value);
    stack_.assign(1, &root_);
    segments_.clear();
    numbers_.clear();
  }
  void key(std::string k) { key_ = std::move(k); }
  void scalar(json value) { add(std::move(value)); }
  void number_float(double value, const std::string& text) {
    std::string pointer;
    for (const std::string& s : segments_)
      append_segment(pointer, s);
    append_segment(pointer, next_segment());
    numbers_.emplace(std::move(pointer), text);
    add(json(value));
  }
  void open(json container) {
    std::string segment = next_segment();
    json* added = add(std::move(container));
    stack_.push_back(added);
    segments_.push_back(std::move(segment));
  }
  /** Closes the innermost container; true when that was the root. */
  bool close() {
    stack_.pop_back();
    if (stack_.empty()) return true;
    segments_.pop_back();
    return false;
  }
  json& root() { return root_; }
  RawNumbers take_numbers() { return std::move(numbers_); }

 private:
  std::string next_segment() const {
    const json& parent = *stack_.back();
    return parent.is_array() ? std::to_string(parent.size()) : key_;
  }
  json* add(json value) {
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    json& slot = parent[key_];
    slot = std::move(value);
    return &slot;
  }

  json root_;
  std::vector<json*> stack_;
  std::vector<std::string> segments_;  // one per open container below the root
  std::string key_;
  RawNumbers numbers_;
};

/** Where an open container sits, which decides who receives the events inside it. */
enum class Frame { top, top_dom, releases, records, record, record_releases, release, skip };

/**
 * SAX handler that splits a document into releases. The top-level object is built as a candidate
 * release until a `releases` or `records` array shows it is a package; from then on only its small
 * metadata is kept, and each element is built and handed over alone. A record hands over its embedded
 * releases (`records[].releases` elements that are whole releases, not links) in date order, so that the
 * history they carry is stored step by step; only a record without any hands over its `compiledRelease`.
 */
class SplittingHandler {
 public:
  SplittingHandler(RecordingBuf& buf, const ReaderSink& sink, ReadStats& stats, std::string line_label)
      : buf_(buf), sink_(sink), stats_(stats), line_label_(std::move(line_label)) {}

  bool null() { return scalar(json(nullptr)); }
  bool boolean(bool v) { return scalar(json(v)); }
  bool number_integer(json::number_integer_t v) { return scalar(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return scalar(json(v)); }
  bool number_float(json::number_float_t v, const std::string& text) {
    if (DomBuilder* b = builder()) {
      b->number_float(v, text);
      return true;
    }
    return scalar(json(v));
  }
  bool string(std::string& v) {
    if (!frames_.empty() && frames_.back() == Frame::record && record_key_ == "ocid") record_ocid_ = v;
    return scalar(json(std::move(v)));
  }
  bool binary(json::binary_t&) { return true; }

  bool key(std::string& k) {
    if (frames_.empty()) return true;
    switch (frames_.back()) {
      case Frame::top:
        if (k == "releases" || k == "records") {
          special_ = k;
          if (!package_) enter_package();
          return true;
        }
        top_.key(std::move(k));
        return true;
      case Frame::top_dom:
        top_.key(std::move(k));
        return true;
      case Frame::record:
        record_key_ = std::move(k);
        return true;
      case Frame::release:
        release_.key(std::move(k));
        return true;
      default:
        return true;
    }
  }

  bool start_object(std::size_t) { return open(true); }
  bool start_array(std::size_t) { return open(false); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    error_ = e.what();
    error_position_ = position;
    return false;
  }

  /** After the parse: a top-level object that was no package becomes a release or a problem. */
  void finish_top_level() {
    if (!top_done_ || package_) return;
    json& doc = top_.root();
    if (doc.contains("ocid")) {
      emit_release(std::move(doc), top_.take_numbers(), std::move(top_text_),
                   line_label_.empty() ? "document" : line_label_);
      return;
    }
    std::string keys;
    for (auto it = doc.begin(); it != doc.end(); ++it)
      keys += (keys.empty() ? "" : ", ") + it.key();
    const bool schema = doc.contains("$schema");
    problem(QuarantineReason::not_a_package,
            std::string("a JSON object with neither `releases`, `records` nor `ocid`") +
                (schema ? " (it has `$schema`: a JSON Schema, not data)" : "") + "; its keys: " + keys,
            line_label_.empty() ? "document" : line_label_, truncate(top_text_));
  }

  const std::string& error() const { return error_; }
  std::size_t error_position() const { return error_position_; }
  bool inside_release() const { return release_.active(); }
  std::size_t next_index() const { return index_; }

 private:
  DomBuilder* builder() {
    if (frames_.empty()) return nullptr;
    switch (frames_.back()) {
      case Frame::top:
        return special_.empty() ? &top_ : nullptr;
      case Frame::top_dom:
        return &top_;
      case Frame::release:
        return &release_;
      default:
        return nullptr;
    }
  }

  bool scalar(json v) {
    if (frames_.empty()) {
      problem(QuarantineReason::not_a_package,
              "the document is a JSON " + std::string(v.type_name()) + ", not an object", label("document"),
              v.dump());
      return true;
    }
    switch (frames_.back()) {
      case Frame::top:
        if (!special_.empty()) {
          problem(QuarantineReason::malformed_field, "`" + special_ + "` is not an array", label(special_),
                  v.dump());
          special_.clear();
          return true;
        }
        top_.scalar(std::move(v));
        return true;
      case Frame::top_dom:
        top_.scalar(std::move(v));
        return true;
      case Frame::release:
        release_.scalar(std::move(v));
        return true;
      case Frame::releases:
      case Frame::records:
        problem(QuarantineReason::release_not_object,
                "element " + std::to_string(index_) + " is a JSON " + v.type_name() + ", not an object",
                element_label(), v.dump());
        ++index_;
        return true;
      default:
        return true;
    }
  }

  bool open(bool object) {
    const json container = object ? json::object() : json::array();
    if (frames_.empty()) {
      if (!object) {
        // A bare JSON array is read as an array of releases.
        enter_package();
        special_ = "releases";
        frames_.push_back(Frame::releases);
        index_ = 0;
        return true;
      }
      top_.begin_root(container);
      buf_.start();
      frames_.push_back(Frame::top);
      return true;
    }
    switch (frames_.back()) {
      case Frame::top:
        if (!special_.empty()) {
          if (!object) {
            frames_.push_back(special_ == "releases" ? Frame::releases : Frame::records);
            index_ = 0;
          } else {
            problem(QuarantineReason::malformed_field, "`" + special_ + "` is not an array", label(special_),
                    "");
            special_.clear();
            frames_.push_back(Frame::skip);
          }
          return true;
        }
        top_.open(container);
        frames_.push_back(Frame::top_dom);
        return true;
      case Frame::top_dom:
        top_.open(container);
        frames_.push_back(Frame::top_dom);
        return true;
      case Frame::release:
        release_.open(container);
        frames_.push_back(Frame::release);
        return true;
      case Frame::releases:
        if (!object) {
          problem(QuarantineReason::release_not_object,
                  "element " + std::to_string(index_) + " is a JSON array, not an object", element_label(),
                  "");
          frames_.push_back(Frame::skip);
          ++index_;
          return true;
        }
        begin_release(container);
        return true;
      case Frame::records:
        if (!object) {
          problem(QuarantineReason::release_not_object,
                  "record " + std::to_string(index_) + " is a JSON array, not an object", element_label(),
                  "");
          frames_.push_back(Frame::skip);
          ++index_;
          return true;
        }
        frames_.push_back(Frame::record);
        record_key_.clear();
        record_ocid_.clear();
        record_has_release_ = false;
        compiled_.reset();
        embedded_.clear();
        return true;
      case Frame::record:
        if (object && record_key_ == "compiledRelease") {
          record_has_release_ = true;
          begin_release(container);
          return true;
        }
        if (!object && record_key_ == "releases") {
          frames_.push_back(Frame::record_releases);
          embedded_index_ = 0;
          return true;
        }
        frames_.push_back(Frame::skip);
        return true;
      case Frame::record_releases:
        if (object) {
          begin_release(container);
        } else {
          frames_.push_back(Frame::skip);
          ++embedded_index_;
        }
        return true;
      case Frame::skip:
        frames_.push_back(Frame::skip);
        return true;
    }
    return true;
  }

  bool close() {
    const Frame frame = frames_.back();
    frames_.pop_back();
    switch (frame) {
      case Frame::top:
        top_done_ = true;
        if (!package_) top_text_ = buf_.stop();
        return true;
      case Frame::top_dom:
        top_.close();
        return true;
      case Frame::releases:
      case Frame::records:
        special_.clear();
        return true;
      case Frame::record:
        close_record();
        ++index_;
        return true;
      case Frame::record_releases:
        return true;
      case Frame::release:
        if (release_.close()) {
          std::string text = buf_.stop();
          stats_.largest_release_bytes = std::max(stats_.largest_release_bytes, text.size());
          const Frame parent = frames_.empty() ? Frame::top : frames_.back();
          if (parent == Frame::record_releases) {
            // A whole release embedded in a record; a linked release ({url, date, tag}) is not one.
            const json& doc = release_.root();
            if (doc.contains("ocid") && doc.contains("id")) {
              embedded_.push_back(RawRelease{std::move(release_.root()),
                                             release_.take_numbers(),
                                             std::move(text),
                                             label("records[" + std::to_string(index_) + "].releases[" +
                                                   std::to_string(embedded_index_) + "]"),
                                             0,
                                             {}});
            }
            ++embedded_index_;
            return true;
          }
          if (parent == Frame::record) {
            compiled_ = RawRelease{
                std::move(release_.root()), release_.take_numbers(), std::move(text), element_label(), 0, {}};
            return true;
          }
          std::string location = element_label();
          if (special_ == "releases") ++index_;
          emit_release(std::move(release_.root()), release_.take_numbers(), std::move(text),
                       std::move(location));
        }
        return true;
      case Frame::skip:
        return true;
    }
    return true;
  }

  /**
   * The end of a record: its embedded releases in date order (the history, step by step), else its
   * compiledRelease, else a problem. The compiledRelease of a record with embedded releases is derived from
   * them and is not stored again (it may even disagree with them).
   */
  void close_record() {
    if (!embedded_.empty()) {
      const auto when = [](const RawRelease& r) {
        const auto it = r.json.find("date");
        if (it == r.json.end() || !it->is_string()) return domain::Instant::max();
        auto t = domain::parse_instant(it->get_ref<const std::string&>());
        return t ? *t : domain::Instant::max();
      };
      std::stable_sort(embedded_.begin(), embedded_.end(),
                       [&](const RawRelease& a, const RawRelease& b) { return when(a) < when(b); });
      for (RawRelease& r : embedded_)
        emit_release(std::move(r.json), std::move(r.numbers), std::move(r.text), std::move(r.location));
      embedded_.clear();
      compiled_.reset();
      return;
    }
    if (compiled_) {
      emit_release(std::move(compiled_->json), std::move(compiled_->numbers), std::move(compiled_->text),
                   std::move(compiled_->location));
      compiled_.reset();
      return;
    }
    QuarantineEntry q;
    q.reason = QuarantineReason::record_without_compiled_release;
    q.message = "record " + std::to_string(index_) +
                " has neither embedded releases nor a `compiledRelease`; linked releases are not fetched by "
                "this reader";
    q.ocid = record_ocid_;
    q.location = element_label();
    report(std::move(q));
  }

  void enter_package() {
    package_ = true;
    buf_.cancel();
    if (const auto it = top_.root().find("extensions"); it != top_.root().end() && it->is_array()) {
      for (const json& e : *it) {
        if (e.is_string()) info_.extensions.push_back(e.get<std::string>());
      }
    }
  }

  void begin_release(const json& container) {
    release_.begin_root(container);
    buf_.start();
    frames_.push_back(Frame::release);
  }

  void emit_release(json doc, RawNumbers numbers, std::string text, std::string location) {
    RawRelease r;
    r.json = std::move(doc);
    r.numbers = std::move(numbers);
    r.text = std::move(text);
    r.location = std::move(location);
    r.ordinal = ++stats_.releases;
    r.package = info_;
    if (sink_.release) sink_.release(std::move(r));
  }

  std::string label(const std::string& what) const {
    return line_label_.empty() ? what : line_label_ + " " + what;
  }
  std::string element_label() const {
    const std::string e = special_ == "records" ? "records[" + std::to_string(index_) + "].compiledRelease"
                                                : "releases[" + std::to_string(index_) + "]";
    return label(e);
  }
  static std::string truncate(std::string text) {
    constexpr std::size_t kMax = 4096;  // a non-package is not a record to re-process: keep its start
    if (text.size() > kMax) text.resize(kMax);
    return text;
  }
  void problem(QuarantineReason reason, std::string message, std::string location, std::string raw) {
    QuarantineEntry q;
    q.reason = reason;
    q.message = std::move(message);
    q.location = std::move(location);
    q.raw_text = std::move(raw);
    report(std::move(q));
  }
  void report(QuarantineEntry&& q) {
    ++stats_.problems;
    if (sink_.problem) sink_.problem(std::move(q));
  }

  RecordingBuf& buf_;
  const ReaderSink& sink_;
  ReadStats& stats_;
  std::string line_label_;
  std::vector<Frame> frames_;
  DomBuilder top_;
  DomBuilder release_;
  std::string top_text_;
  bool top_done_ = false;
  bool package_ = false;
  std::string special_;  // "releases" or "records" while its value is being read
  std::size_t index_ = 0;
  std::string record_key_;
  std::string record_ocid_;
  bool record_has_release_ = false;
  std::size_t embedded_index_ = 0;
  std::vector<RawRelease> embedded_;  ///< the current record's whole embedded releases, in file order
  std::optional<RawRelease> compiled_;
  PackageInfo info_;
  std::string error_;
  std::size_t error_position_ = 0;
};

/** Parses one document from `buf`, reporting a parse failure as a malformed_json problem. */
void parse_document(RecordingBuf& buf, const ReaderSink& sink, ReadStats& stats,
                    const std::string& line_label, const std::string& raw_for_error) {
  std::istream in(&buf);
  SplittingHandler handler(buf, sink, stats, line_label);
  const bool ok = json::sax_parse(in, &handler, json::input_format_t::json, true);
  if (ok) {
    handler.finish_top_level();
    return;
  }
  QuarantineEntry q;
  q.reason = QuarantineReason::malformed_json;
  q.location = line_label.empty() ? "byte " + std::to_string(handler.error_position()) : line_label;
  q.message = handler.error();
  if (handler.inside_release()) {
    q.message += "; the input ends inside release " + std::to_string(handler.next_index()) +
                 ", which is lost with everything after it";
  }
  q.raw_text = raw_for_error;
  ++stats.problems;
  if (sink.problem) sink.problem(std::move(q));
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

ReadStats read_package(std::istream& in, const ReaderSink& sink) {
  ReadStats stats;
  RecordingBuf buf(in.rdbuf());
  parse_document(buf, sink, stats, "", "");
  stats.bytes_read = buf.consumed();
  return stats;
}

ReadStats read_json_lines(std::istream& in, const ReaderSink& sink) {
  ReadStats stats;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    stats.bytes_read += line.size() + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::stringbuf source(line, std::ios::in);
    RecordingBuf buf(&source);
    parse_document(buf, sink, stats, "line " + std::to_string(number), line);
  }
  return stats;
}

ReadStats read_file(const std::string& path, const ReaderSink& sink, InputFormat format) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ReadStats stats;
    QuarantineEntry q;
    q.reason = QuarantineReason::malformed_json;
    q.message = "cannot open " + path;
    q.location = path;
    ++stats.problems;
    if (sink.problem) sink.problem(std::move(q));
    return stats;
  }
  if (format == InputFormat::automatic) {
    const bool lines = ends_with(path, ".jsonl") || ends_with(path, ".ndjson") || ends_with(path, ".jl");
    format = lines ? InputFormat::json_lines : InputFormat::package;
  }
  return format == InputFormat::json_lines ? read_json_lines(in, sink) : read_package(in, sink);
}

}  // namespace pactwatch::platform::ocds
