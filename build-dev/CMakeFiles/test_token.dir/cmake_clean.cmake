file(REMOVE_RECURSE
  "CMakeFiles/test_token.dir/tests/unit/test_token.c.o"
  "CMakeFiles/test_token.dir/tests/unit/test_token.c.o.d"
  "test_token"
  "test_token.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_token.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
