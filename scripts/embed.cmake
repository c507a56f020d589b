# embed.cmake — turns a file into a C array (used to compile core/engine.lua into thiduad).
# cmake -DIN=file -DOUT=header -DNAME=symbol -P embed.cmake
file(READ "${IN}" content HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
file(WRITE "${OUT}" "/* Generated from ${IN} by scripts/embed.cmake; do not edit. */\n"
  "static const char ${NAME}[] = {${bytes}};\n")
