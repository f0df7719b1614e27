# FindMySQLConnectorCpp: Debian's libmysqlcppconn-dev (Connector/C++ 1.1, the legacy JDBC-style API)
# ships no CMake package configuration. Defines MySQLConnectorCpp::MySQLConnectorCpp.
find_path(MYSQLCPPCONN_INCLUDE_DIR cppconn/driver.h)
find_library(MYSQLCPPCONN_LIBRARY NAMES mysqlcppconn)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MySQLConnectorCpp REQUIRED_VARS MYSQLCPPCONN_INCLUDE_DIR MYSQLCPPCONN_LIBRARY)
if(MySQLConnectorCpp_FOUND AND NOT TARGET MySQLConnectorCpp::MySQLConnectorCpp)
  add_library(MySQLConnectorCpp::MySQLConnectorCpp UNKNOWN IMPORTED)
  set_target_properties(MySQLConnectorCpp::MySQLConnectorCpp PROPERTIES
                        IMPORTED_LOCATION "${MYSQLCPPCONN_LIBRARY}"
                        INTERFACE_INCLUDE_DIRECTORIES "${MYSQLCPPCONN_INCLUDE_DIR}")
endif()
mark_as_advanced(MYSQLCPPCONN_INCLUDE_DIR MYSQLCPPCONN_LIBRARY)
