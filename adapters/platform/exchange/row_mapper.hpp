#pragma once
// The mapper of one exchange row, shared by mapping.cpp (values, contracts) and fact_mapping.cpp
// (acceptance, payments, changes, terminations). File-private to the exchange adapter. A row is mapped
// whole or not at all: the first problem quarantines it and the mapping stops.

#include <optional>
#include <string>
#include <string_view>

#include "adapters/platform/exchange/mapping.hpp"

namespace pactwatch::platform::exchange::detail {

class RowMapper {
 public:
  RowMapper(const ExchangeRow& row, const MappingOptions& options, const KnownContract& known)
      : row_(row), o_(options), known_(known) {}
  RowMapping run();

 private:
  // mapping.cpp: values. Each returns false (and quarantines the row) when the column is bad.
  bool text(std::string_view column, bool required, std::string& out,
            QuarantineReason missing = QuarantineReason::missing_field);
  bool date(std::string_view column, bool required, std::optional<domain::Date>& out);
  bool currency(domain::Currency& out);
  bool money(std::string_view column, bool required, const domain::Currency& c,
             std::optional<domain::Money>& out);
  bool flag(std::string_view column, bool& out);
  bool integer(std::string_view column, std::optional<int>& out);
  void quarantine(QuarantineReason reason, std::string_view column, std::string message);
  /** UNIFIED_DEAL_CODE and CONTRACT_CODE of a dependent row, checked against `known`; "" on failure. */
  std::string dependent_agreement();
  /** "<prefix>:<TABLE>/<row key><suffix>": stable for the row whatever its version. */
  std::string fact_key(std::string_view suffix) const;
  MappedFact make_fact(std::string key, domain::FactKind kind, domain::Date on,
                       const std::string& agreement) const;

  // mapping.cpp
  void map_contract();
  // fact_mapping.cpp
  void map_acceptance();
  void map_payment();
  void map_change();
  void map_termination();

  const ExchangeRow& row_;
  const MappingOptions& o_;
  const KnownContract& known_;
  RowMapping out_;
};

}  // namespace pactwatch::platform::exchange::detail
