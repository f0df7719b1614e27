#include "adapters/platform/ocds/import_summary.hpp"

#include <fstream>

namespace pactwatch::platform::ocds {

void ImportSummary::add(const MappingResult& r) {
  ++releases_read;
  if (r.quarantined) {
    ++releases_quarantined;
  } else {
    ++releases_imported;
  }
  bodies += r.bodies.size();
  organizations += r.organizations.size();
  officials += r.officials.size();
  agreements += r.agreements.size();
  commitments += r.commitments.size();
  facts += r.facts.size();
  notes += r.notes.size();
  for (const QuarantineEntry& q : r.quarantine) {
    ++quarantined;
    ++by_reason[std::string(to_string(q.reason))];
  }
}

void ImportSummary::add_problem(const QuarantineEntry& q) {
  ++input_problems;
  ++quarantined;
  ++by_reason[std::string(to_string(q.reason))];
}

std::string ImportSummary::describe() const {
  std::string s = std::to_string(releases_read) + " releases: " + std::to_string(releases_imported) +
                  " imported, " + std::to_string(releases_quarantined) + " quarantined; " +
                  std::to_string(agreements) + " agreements, " + std::to_string(commitments) +
                  " commitments, " + std::to_string(facts) + " facts; " + std::to_string(quarantined) +
                  " records quarantined";
  if (!by_reason.empty()) {
    s += " (";
    bool first = true;
    for (const auto& [reason, n] : by_reason) {
      s += (first ? "" : ", ") + reason + ": " + std::to_string(n);
      first = false;
    }
    s += ")";
  }
  return s;
}

namespace {

ReaderSink make_reader_sink(ImportSummary& summary, const MappingOptions& options, const ImportSink& sink) {
  return ReaderSink{[&summary, &options, &sink](RawRelease&& raw) {
                      MappingResult r = map_release(raw, options);
                      summary.add(r);
                      if (sink.mapped) sink.mapped(std::move(r));
                    },
                    [&summary, &sink](QuarantineEntry&& q) {
                      summary.add_problem(q);
                      if (sink.problem) sink.problem(std::move(q));
                    }};
}

}  // namespace

ImportSummary import_file(const std::string& path, const MappingOptions& options, const ImportSink& sink,
                          InputFormat format) {
  ImportSummary summary;
  const ReaderSink reader_sink = make_reader_sink(summary, options, sink);
  summary.largest_release_bytes = read_file(path, reader_sink, format).largest_release_bytes;
  return summary;
}

ImportSummary import_stream(std::istream& in, InputFormat format, const MappingOptions& options,
                            const ImportSink& sink) {
  ImportSummary summary;
  const ReaderSink reader_sink = make_reader_sink(summary, options, sink);
  const ReadStats stats =
      format == InputFormat::json_lines ? read_json_lines(in, reader_sink) : read_package(in, reader_sink);
  summary.largest_release_bytes = stats.largest_release_bytes;
  return summary;
}

}  // namespace pactwatch::platform::ocds
