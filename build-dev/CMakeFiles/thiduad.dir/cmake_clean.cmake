file(REMOVE_RECURSE
  "CMakeFiles/thiduad.dir/core/main.c.o"
  "CMakeFiles/thiduad.dir/core/main.c.o.d"
  "thiduad"
  "thiduad.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/thiduad.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
