#include "adapters/platform/exchange/reader.hpp"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_driver.h>

namespace pactwatch::platform::exchange {
namespace {

/** Client errors that mean the server is gone or unreachable (CR_* codes of libmysqlclient/libmariadb). */
bool is_connection_error(const sql::SQLException& e) {
  const int code = e.getErrorCode();
  return code == 2002 || code == 2003 || code == 2005 || code == 2006 || code == 2013 || code == 2055 ||
         e.getSQLStateCStr() == std::string_view("08S01") || code == 0;
}

domain::Error to_error(const sql::SQLException& e, const ExchangeSource& source, const std::string& doing) {
  const domain::ErrorCode code =
      is_connection_error(e) ? domain::ErrorCode::unavailable : domain::ErrorCode::invalid;
  return domain::Error{code,
                       "exchange database " + source.redacted() + ": " + doing + ": " + e.what() +
                           " (error " + std::to_string(e.getErrorCode()) + ", SQLSTATE " + e.getSQLState() +
                           ")",
                       ""};
}

}  // namespace

ExchangeReader::ExchangeReader(const ExchangeSource& source, ReaderOptions options,
                               std::unique_ptr<sql::Connection> c)
    : source_(source), options_(options), connection_(std::move(c)) {}

ExchangeReader::~ExchangeReader() = default;

domain::Result<ExchangeReaderPtr> ExchangeReader::connect(const ExchangeSource& source,
                                                          ReaderOptions options) {
  if (options.page_size == 0)
    return domain::fail(domain::ErrorCode::invalid, "page_size must be > 0", "page_size");
  if (options.safety_window_seconds < 0)
    return domain::fail(domain::ErrorCode::invalid, "safety_window_seconds must be >= 0",
                        "safety_window_seconds");
  try {
    sql::ConnectOptionsMap props;
    props["hostName"] = source.host;
    props["port"] = static_cast<int>(source.port);
    props["userName"] = source.user;
    props["password"] = source.password;
    props["schema"] = source.database;
    if (!source.socket.empty()) props["socket"] = source.socket;
    // utf8mb4 so that Chinese names arrive as UTF-8 whatever the server's default is.
    props["OPT_CHARSET_NAME"] = "utf8mb4";
    props["OPT_CONNECT_TIMEOUT"] = options.connect_timeout_seconds;
    props["OPT_READ_TIMEOUT"] = options.read_timeout_seconds;
    props["OPT_RECONNECT"] = false;
    sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
    std::unique_ptr<sql::Connection> c(driver->connect(props));
    // Each page sees committed rows only; no locks are taken on the platform's tables.
    c->setTransactionIsolation(sql::TRANSACTION_READ_COMMITTED);
    c->setAutoCommit(true);
    return ExchangeReaderPtr(new ExchangeReader(source, options, std::move(c)));
  } catch (const sql::SQLException& e) {
    domain::Error err = to_error(e, source, "connect");
    err.code = domain::ErrorCode::unavailable;  // any failure to connect: the source is unavailable
    return std::unexpected(err);
  }
}

sql::PreparedStatement& ExchangeReader::statement(ExchangeTable table) {
  auto& slot = statements_[table];
  if (!slot) slot.reset(connection_->prepareStatement(page_query(table)));
  return *slot;
}

domain::Result<Batch> ExchangeReader::read_batch(ExchangeTable table, const TableCursor& cursor) {
  auto start = batch_start(cursor, options_.safety_window_seconds);
  if (!start) return std::unexpected(start.error());
  const TableInfo& info = table_info(table);
  std::vector<ExchangeRow> fetched;
  try {
    sql::PreparedStatement& ps = statement(table);
    ps.setString(1, start->timestamp);
    ps.setString(2, start->timestamp);
    ps.setString(3, start->key);
    ps.setInt64(4, static_cast<std::int64_t>(options_.page_size));
    std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
    fetched.reserve(options_.page_size);
    while (rs->next()) {
      std::map<std::string, std::optional<std::string>, std::less<>> columns;
      std::uint32_t index = 1;
      for (const Column& c : info.columns) {
        std::optional<std::string> v;
        if (!rs->isNull(index)) v = std::string(rs->getString(index));
        columns.emplace(std::string(c.name), std::move(v));
        ++index;
      }
      fetched.push_back(make_row(table, std::move(columns), std::string(rs->getString(index))));
    }
  } catch (const sql::SQLException& e) {
    statements_.erase(table);  // a broken statement is prepared again on the next call
    return std::unexpected(to_error(e, source_, "reading " + std::string(info.name)));
  }
  return fold_page(table, cursor, std::move(fetched), options_.page_size, options_.safety_window_seconds);
}

}  // namespace pactwatch::platform::exchange
