file(REMOVE_RECURSE
  "CMakeFiles/test_csv_import.dir/tests/unit/test_csv_import.c.o"
  "CMakeFiles/test_csv_import.dir/tests/unit/test_csv_import.c.o.d"
  "test_csv_import"
  "test_csv_import.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_csv_import.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
