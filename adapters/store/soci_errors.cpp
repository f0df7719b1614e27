#include "adapters/store/soci_errors.hpp"

#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <string>

namespace pactwatch::store {
namespace {

using domain::Error;
using domain::ErrorCode;

// SQLite primary result codes (the low byte of an extended code).
constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;
constexpr int kSqliteCantOpen = 14;
constexpr int kSqliteConstraint = 19;

/** MySQL/MariaDB server and client error numbers that mean the input contradicts stored state. */
bool mysql_constraint(unsigned n) {
  switch (n) {
    case 1022:  // ER_DUP_KEY
    case 1048:  // ER_BAD_NULL_ERROR
    case 1062:  // ER_DUP_ENTRY
    case 1216:  // ER_NO_REFERENCED_ROW
    case 1217:  // ER_ROW_IS_REFERENCED
    case 1451:  // ER_ROW_IS_REFERENCED_2
    case 1452:  // ER_NO_REFERENCED_ROW_2
    case 1557:  // ER_FOREIGN_DUPLICATE_KEY
    case 3819:  // ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
    case 4025:  // ER_CONSTRAINT_FAILED (MariaDB)
      return true;
    default:
      return false;
  }
}

/** Errors after which the statement may succeed later: the server is away, refuses us, or is busy. */
bool mysql_unavailable(unsigned n) {
  switch (n) {
    case 1040:  // ER_CON_COUNT_ERROR: too many connections
    case 1044:  // ER_DBACCESS_DENIED_ERROR
    case 1045:  // ER_ACCESS_DENIED_ERROR
    case 1049:  // ER_BAD_DB_ERROR: unknown database
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1205:  // ER_LOCK_WAIT_TIMEOUT
    case 1213:  // ER_LOCK_DEADLOCK
    case 1927:  // ER_CONNECTION_KILLED
    case 2002:  // CR_CONNECTION_ERROR (socket)
    case 2003:  // CR_CONN_HOST_ERROR
    case 2005:  // CR_UNKNOWN_HOST
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
      return true;
    default:
      return false;
  }
}

Error make(ErrorCode code, std::string_view what, const std::string& detail) {
  return Error{code, std::string(what) + ": " + detail, {}};
}

}  // namespace

Error map_current_exception(std::string_view what) {
  try {
    throw;
  } catch (const soci::mysql_soci_error& e) {
    const ErrorCode code = mysql_constraint(e.err_num_)    ? ErrorCode::conflict
                           : mysql_unavailable(e.err_num_) ? ErrorCode::unavailable
                                                           : ErrorCode::invalid;
    return make(code, what, e.get_error_message());
  } catch (const soci::sqlite3_soci_error& e) {
    const int primary = e.result() & 0xff;
    const ErrorCode code =
        primary == kSqliteConstraint ? ErrorCode::conflict
        : (primary == kSqliteBusy || primary == kSqliteLocked || primary == kSqliteCantOpen)
            ? ErrorCode::unavailable
            : ErrorCode::invalid;
    return make(code, what, e.get_error_message());
  } catch (const soci::soci_error& e) {
    const auto category = e.get_error_category();
    const ErrorCode code = category == soci::soci_error::constraint_violation ? ErrorCode::conflict
                           : category == soci::soci_error::connection_error   ? ErrorCode::unavailable
                                                                              : ErrorCode::invalid;
    return make(code, what, e.get_error_message());
  } catch (const std::exception& e) {
    return make(ErrorCode::unavailable, what, e.what());
  } catch (...) {
    return make(ErrorCode::unavailable, what, "unknown error");
  }
}

}  // namespace pactwatch::store
