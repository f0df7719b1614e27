// The ledger's SQL text on MySQL and MariaDB.
#include "adapters/store/ledger_sql_common.hpp"

namespace pactwatch::store {
namespace {

// Under READ COMMITTED (set per session), lost updates are prevented by the version checks of the
// UPDATE statements, which also lock the parent row of an appended post or assignment.
constexpr LedgerSql kMysql = detail::make_ledger_sql("START TRANSACTION", true);

}  // namespace

const LedgerSql& ledger_mysql_sql() {
  return kMysql;
}

}  // namespace pactwatch::store
