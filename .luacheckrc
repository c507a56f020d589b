-- .luacheckrc — luacheck settings for the Lua the daemon runs (`luacheck rules/`).
--
-- Rule files run in a sandbox (see rules/README.md): only the globals below
-- exist there, so luacheck flags anything else (io, require, load, print, …).

stds.thidua_sandbox = {
  read_globals = {
    -- basic functions the sandbox keeps
    "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
    "rawequal", "rawget", "rawlen", "select", "setmetatable", "tonumber",
    "tostring", "type",
    -- standard libraries the sandbox keeps
    string = { fields = {
      "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower", "match",
      "pack", "packsize", "rep", "reverse", "sub", "unpack", "upper",
    } },
    table = { fields = { "concat", "insert", "move", "pack", "remove", "sort", "unpack" } },
    math = { fields = {
      "abs", "acos", "asin", "atan", "ceil", "cos", "deg", "exp", "floor", "fmod", "huge",
      "log", "max", "maxinteger", "min", "mininteger", "modf", "pi", "rad", "random",
      "randomseed", "sin", "sqrt", "tan", "tointeger", "type", "ult",
    } },
    utf8 = { fields = { "char", "charpattern", "codepoint", "codes", "len", "offset" } },
    os = { fields = { "date", "time" } },
    -- the rules DSL and the daemon's module
    "campaign", "fact", "criterion", "title", "nomination", "reminder", "test", "fact_check",
    "fact_label",
    thidua = { other_fields = true },
  },
}

-- Channel plugins run in a sandbox of their own: no pcall, the `channel` declaration.
stds.thidua_plugin = {
  read_globals = {
    "assert", "error", "ipairs", "next", "pairs", "select", "tonumber", "tostring", "type",
    "rawget", "rawequal", "rawlen",
    string = { other_fields = true }, table = { other_fields = true },
    math = { other_fields = true }, utf8 = { other_fields = true },
    os = { fields = { "date", "time" } },
    "channel",
    thidua = { other_fields = true },
  },
}
files["plugins/"] = { std = "thidua_plugin" }

-- Rule files (rulesets and their tests).
files["rules/"] = { std = "thidua_sandbox" }
-- Criterion titles and reasons are Vietnamese sentences kept on one line (so
-- they can be found with grep), and luacheck counts bytes, not characters.
max_line_length = false
-- The engine (core/rules/engine/*.lua) is not sandboxed: it runs with the state's standard
-- globals.
files["core/rules/engine/"] = { std = "lua54" }
