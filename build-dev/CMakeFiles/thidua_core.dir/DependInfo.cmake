
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/core/api.c" "CMakeFiles/thidua_core.dir/core/api.c.o" "gcc" "CMakeFiles/thidua_core.dir/core/api.c.o.d"
  "/work/main/core/api_reports.c" "CMakeFiles/thidua_core.dir/core/api_reports.c.o" "gcc" "CMakeFiles/thidua_core.dir/core/api_reports.c.o.d"
  "/work/main/core/api_units.c" "CMakeFiles/thidua_core.dir/core/api_units.c.o" "gcc" "CMakeFiles/thidua_core.dir/core/api_units.c.o.d"
  "/work/main/core/config.c" "CMakeFiles/thidua_core.dir/core/config.c.o" "gcc" "CMakeFiles/thidua_core.dir/core/config.c.o.d"
  "/work/main/core/csv_import.c" "CMakeFiles/thidua_core.dir/core/csv_import.c.o" "gcc" "CMakeFiles/thidua_core.dir/core/csv_import.c.o.d"
  "/work/main/core/daemon.c" "CMakeFiles/thidua_core.dir/core/daemon.c.o" "gcc" "CMakeFiles/thidua_core.dir/core/daemon.c.o.d"
  "/work/main/core/evaluation.c" "CMakeFiles/thidua_core.dir/core/evaluation.c.o" "gcc" "CMakeFiles/thidua_core.dir/core/evaluation.c.o.d"
  "/work/main/core/facts_import.c" "CMakeFiles/thidua_core.dir/core/facts_import.c.o" "gcc" "CMakeFiles/thidua_core.dir/core/facts_import.c.o.d"
  "/work/main/core/http.c" "CMakeFiles/thidua_core.dir/core/http.c.o" "gcc" "CMakeFiles/thidua_core.dir/core/http.c.o.d"
  "/work/main/core/log.c" "CMakeFiles/thidua_core.dir/core/log.c.o" "gcc" "CMakeFiles/thidua_core.dir/core/log.c.o.d"
  "/work/main/core/lua_api.c" "CMakeFiles/thidua_core.dir/core/lua_api.c.o" "gcc" "CMakeFiles/thidua_core.dir/core/lua_api.c.o.d"
  "/work/main/core/metrics.c" "CMakeFiles/thidua_core.dir/core/metrics.c.o" "gcc" "CMakeFiles/thidua_core.dir/core/metrics.c.o.d"
  "/work/main/core/model.c" "CMakeFiles/thidua_core.dir/core/model.c.o" "gcc" "CMakeFiles/thidua_core.dir/core/model.c.o.d"
  "/work/main/core/rules.c" "CMakeFiles/thidua_core.dir/core/rules.c.o" "gcc" "CMakeFiles/thidua_core.dir/core/rules.c.o.d"
  "/work/main/core/ruleset.c" "CMakeFiles/thidua_core.dir/core/ruleset.c.o" "gcc" "CMakeFiles/thidua_core.dir/core/ruleset.c.o.d"
  "/work/main/core/store.c" "CMakeFiles/thidua_core.dir/core/store.c.o" "gcc" "CMakeFiles/thidua_core.dir/core/store.c.o.d"
  "/work/main/core/token.c" "CMakeFiles/thidua_core.dir/core/token.c.o" "gcc" "CMakeFiles/thidua_core.dir/core/token.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
