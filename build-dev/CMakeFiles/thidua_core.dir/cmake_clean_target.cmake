file(REMOVE_RECURSE
  "libthidua_core.a"
)
