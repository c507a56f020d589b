# CMake generated Testfile for 
# Source directory: /work/main
# Build directory: /work/main/build-dev
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(unit/test_config "/work/main/build-dev/test_config")
set_tests_properties(unit/test_config PROPERTIES  ENVIRONMENT "THIDUA_SOURCE_DIR=/work/main;CK_FORK=yes" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;73;add_test;/work/main/CMakeLists.txt;0;")
add_test(unit/test_csv_import "/work/main/build-dev/test_csv_import")
set_tests_properties(unit/test_csv_import PROPERTIES  ENVIRONMENT "THIDUA_SOURCE_DIR=/work/main;CK_FORK=yes" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;73;add_test;/work/main/CMakeLists.txt;0;")
add_test(unit/test_store "/work/main/build-dev/test_store")
set_tests_properties(unit/test_store PROPERTIES  ENVIRONMENT "THIDUA_SOURCE_DIR=/work/main;CK_FORK=yes" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;73;add_test;/work/main/CMakeLists.txt;0;")
add_test(unit/test_token "/work/main/build-dev/test_token")
set_tests_properties(unit/test_token PROPERTIES  ENVIRONMENT "THIDUA_SOURCE_DIR=/work/main;CK_FORK=yes" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;73;add_test;/work/main/CMakeLists.txt;0;")
add_test(integration/test_http_api "/usr/bin/python3" "/work/main/tests/integration/test_http_api.py")
set_tests_properties(integration/test_http_api PROPERTIES  ENVIRONMENT "THIDUAD=/work/main/build-dev/thiduad;THIDUA_SOURCE_DIR=/work/main" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;82;add_test;/work/main/CMakeLists.txt;0;")
add_test(integration/test_import_cli "/usr/bin/python3" "/work/main/tests/integration/test_import_cli.py")
set_tests_properties(integration/test_import_cli PROPERTIES  ENVIRONMENT "THIDUAD=/work/main/build-dev/thiduad;THIDUA_SOURCE_DIR=/work/main" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;82;add_test;/work/main/CMakeLists.txt;0;")
add_test(integration/test_lifecycle "/usr/bin/python3" "/work/main/tests/integration/test_lifecycle.py")
set_tests_properties(integration/test_lifecycle PROPERTIES  ENVIRONMENT "THIDUAD=/work/main/build-dev/thiduad;THIDUA_SOURCE_DIR=/work/main" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;82;add_test;/work/main/CMakeLists.txt;0;")
