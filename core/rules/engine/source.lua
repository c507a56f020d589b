--[[
engine/source.lua — what the loader learns by reading the rule files' source text (C hands
each file's text over before running it: M.remember_source).

It owns a small Lua tokenizer, and two uses of it:
  - E.key_lines(at): the line of each key of the table constructor a declaration starts
    at ("campaign {" at line 9 → periods["2025-H1"].report_due at line 47), so a problem is
    reported at the line that is wrong, not at the declaration's first line;
  - E.scan_fact_reads(): every fact name a rule function (and the local helpers it calls)
    reads as `f.name`, `f["name"]`, `<anything>.facts.name` or names in
    `fact_label("name")`, checked against the
    declarations, including branches no evaluation reaches.
The function's lines and parameters come from host.function_info (core/rules/introspect.c).
--]]

local E, host = ...

local sfmt, ssub, sfind, smatch = string.format, string.sub, string.find,
  string.match
local type, pairs, ipairs, tostring, tonumber = type, pairs, ipairs, tostring, tonumber

local SUBJECTS, problem = E.SUBJECTS, E.problem

local sources = {} -- path -> text
local token_cache = {} -- path -> tokens

function E.remember_source(path, text)
  sources[path] = text
  token_cache[path] = nil
end

---------------------------------------------------------------------------------------------
-- Tokens: { kind = "name" | "string" | "number" | "op", value, line }. Comments are dropped;
-- strings keep their text without quotes (escapes are not decoded: fact names have none).

local function long_bracket(text, i)
  local eq = smatch(text, "^%[(=*)%[", i)
  if not eq then return nil end
  local close = "]" .. eq .. "]"
  local s, e = sfind(text, close, i + #eq + 2, true)
  return i + #eq + 2, (s or #text + 1) - 1, (e or #text) + 1
end

local function count_lines(text, from, to)
  local n = 0
  for _ in text:sub(from, to):gmatch("\n") do n = n + 1 end
  return n
end

local function tokenize(text)
  local tokens, i, line, n = {}, 1, 1, #text
  local function add(kind, value) tokens[#tokens + 1] = { kind = kind, value = value, line = line } end
  while i <= n do
    local c = ssub(text, i, i)
    if c == "\n" then
      line = line + 1
      i = i + 1
    elseif smatch(c, "%s") then
      i = i + 1
    elseif ssub(text, i, i + 1) == "--" then
      local _, last, after = long_bracket(text, i + 2)
      if after then
        line = line + count_lines(text, i, last)
        i = after
      else
        i = (sfind(text, "\n", i, true) or n + 1)
      end
    elseif c == '"' or c == "'" then
      local j, start = i + 1, line
      while j <= n and ssub(text, j, j) ~= c and ssub(text, j, j) ~= "\n" do
        if ssub(text, j, j) == "\\" then j = j + 1 end
        j = j + 1
      end
      line = start
      add("string", ssub(text, i + 1, j - 1))
      i = j + 1
    elseif c == "[" and smatch(text, "^%[=*%[", i) then
      local first, last, after = long_bracket(text, i)
      add("string", ssub(text, first, last))
      line = line + count_lines(text, i, last)
      i = after
    elseif smatch(c, "[%a_]") then
      local word = smatch(text, "^[%w_]+", i)
      add("name", word)
      i = i + #word
    elseif smatch(c, "%d") then
      local num = smatch(text, "^0[xX][%x%.]+", i) or smatch(text, "^%d*%.?%d*[eE][%+%-]?%d+", i)
        or smatch(text, "^%d*%.?%d*", i)
      add("number", num)
      i = i + #num
    else
      local op = smatch(text, "^%.%.%.?", i) or smatch(text, "^[=~<>]=", i)
        or smatch(text, "^::", i) or smatch(text, "^//", i) or smatch(text, "^<<", i)
        or smatch(text, "^>>", i) or c
      add("op", op)
      i = i + #op
    end
  end
  return tokens
end

local function tokens_of(path)
  if not sources[path] then return nil end
  local t = token_cache[path]
  if not t then
    t = tokenize(sources[path])
    token_cache[path] = t
  end
  return t
end

---------------------------------------------------------------------------------------------
-- The line of each key of a declaration's table constructor.

local OPENERS = { ["("] = ")", ["{"] = "}", ["["] = "]" }
local BLOCK_CLOSE = { ["end"] = true, ["until"] = true }

-- Skips one value starting at tokens[i]; returns the index of the token after it (a "," or
-- ";" or the closing "}" of the table it sits in).
local function skip_value(tokens, i)
  local depth = 0
  while tokens[i] do
    local t = tokens[i]
    local v = t.kind == "op" and t.value or (t.kind == "name" and t.value) or nil
    if depth == 0 and t.kind == "op" and (v == "," or v == ";" or v == "}" or v == ")" or v == "]") then
      return i
    end
    if t.kind == "op" and OPENERS[v] then depth = depth + 1
    elseif t.kind == "op" and (v == "}" or v == ")" or v == "]") then depth = depth - 1
    elseif t.kind == "name" and (v == "function" or v == "if" or v == "do" or v == "repeat") then
      -- "while … do" and "for … do" open one block, at "do"; "if … then" one, at "if".
      depth = depth + 1
    elseif t.kind == "name" and BLOCK_CLOSE[v] then depth = depth - 1
    end
    i = i + 1
  end
  return i
end

-- Reads the constructor whose "{" is tokens[i]; fills lines[path .. key] for every key.
-- Returns the index after its "}".
local function read_table(tokens, i, path, lines)
  i = i + 1
  local position = 0
  while tokens[i] and not (tokens[i].kind == "op" and tokens[i].value == "}") do
    local t, line = tokens[i], tokens[i].line
    local key
    local nxt = tokens[i + 1]
    if t.kind == "op" and t.value == "[" and tokens[i + 2] and tokens[i + 2].value == "]"
      and tokens[i + 3] and tokens[i + 3].value == "=" then
      key = tostring(tokens[i + 1].value)
      i = i + 4
    elseif t.kind == "name" and nxt and nxt.kind == "op" and nxt.value == "=" then
      key = t.value
      i = i + 2
    else
      position = position + 1
      key = tostring(position)
    end
    local full = path .. key
    lines[full] = line
    if tokens[i] and tokens[i].kind == "op" and tokens[i].value == "{" then
      i = read_table(tokens, i, full .. "/", lines)
    else
      i = skip_value(tokens, i)
    end
    if tokens[i] and tokens[i].kind == "op" and (tokens[i].value == "," or tokens[i].value == ";") then
      i = i + 1
    elseif not (tokens[i] and tokens[i].value == "}") then
      return i -- not a table we understand: keep what we have
    end
  end
  return i + 1
end

-- key_lines(at) -> place(path) giving "file:line" of the key `path` ("periods/2025-H1/to",
-- "holidays/3") of the table constructor starting on the line of `at` ("file:line"); `at`
-- itself when the source is unknown or the key is not written out.
function E.key_lines(at)
  local file, first = smatch(at, "^(.*):(%d+)$")
  local tokens = file and tokens_of(file)
  local lines = {}
  if tokens then
    first = tonumber(first)
    for i, t in ipairs(tokens) do
      if t.line >= first and t.kind == "op" and t.value == "{" then
        read_table(tokens, i, "", lines)
        break
      end
    end
  end
  return function(path)
    local line = lines[path]
    if line then return sfmt("%s:%d", file, line) end
    return at
  end
end

---------------------------------------------------------------------------------------------
-- Fact names read in rule functions.

local OTHER = { unit = "person", person = "unit" }

local function declared_for(name, kinds)
  local d = E.facts[name]
  return d ~= nil and kinds[d.subject] == true
end

-- Scans one function's tokens: `facts_param.name`, `facts_param["name"]`, `.facts.name`,
-- `.facts["name"]`. own: kinds a facts parameter may hold; other: kinds `.facts` may hold.
local function scan_function(fn, what, own, other, second_is_facts, seen, found)
  local info = host.function_info(fn)
  if not info or seen[fn] then return end
  seen[fn] = true
  local tokens = tokens_of(info.source)
  if not tokens then return end
  local names = {}
  for i, p in ipairs(info.params) do
    if p == "f" or p == "facts" or (i == 2 and second_is_facts) then names[p] = true end
  end
  for i, t in ipairs(tokens) do
    if t.line >= info.first and t.line <= info.last and t.kind == "name" then
      local prev, dot, key = tokens[i - 1], tokens[i + 1], tokens[i + 2]
      local field = prev and prev.kind == "op" and (prev.value == "." or prev.value == ":")
      local kinds
      if names[t.value] and not field then
        kinds = own
      elseif t.value == "facts" and field then
        kinds = other
      end
      if t.value == "fact_label" and not field and dot and dot.value == "(" and key
        and key.kind == "string" and not E.facts[key.value] then
        found[#found + 1] = { at = sfmt("%s:%d", info.source, key.line), what = what,
          name = key.value, kinds = { unit = true, person = true } }
      end
      if kinds and dot and dot.kind == "op" then
        local name
        if dot.value == "." and key and key.kind == "name" then
          name = key.value
        elseif dot.value == "[" and key and key.kind == "string" and tokens[i + 3]
          and tokens[i + 3].value == "]" then
          name = key.value
        end
        if name and not declared_for(name, kinds) then
          found[#found + 1] = { at = sfmt("%s:%d", info.source, key.line), what = what,
            name = name, kinds = kinds }
        end
      end
    end
  end
  for _, helper in ipairs(info.helpers) do
    scan_function(helper, what, own, other, false, seen, found)
  end
end

local function kinds_label(kinds)
  if kinds.unit and kinds.person then return "tập thể hay cá nhân" end
  return kinds.unit and SUBJECTS.unit or SUBJECTS.person
end

-- Every rule function of the ruleset, scanned; one problem per place and name.
function E.scan_fact_reads()
  local found = {}
  local both = { unit = true, person = true }
  local function scan(fn, what, subject)
    if type(fn) ~= "function" then return end
    local own = SUBJECTS[subject] and { [subject] = true } or both
    local other = SUBJECTS[subject] and { [OTHER[subject]] = true } or both
    scan_function(fn, what, own, other, true, {}, found)
  end
  for _, id in ipairs(E.criterion_order) do
    local c = E.criteria[id]
    scan(c.check, sfmt('criterion "%s"', id), c.subject)
    scan(c.applies, sfmt('criterion "%s"', id), c.subject)
  end
  for _, code in ipairs(E.title_order) do
    local t = E.titles[code]
    scan(t.check, sfmt('title "%s"', code), t.subject)
  end
  for _, code in ipairs(E.nomination_order) do
    scan(E.nominations[code].check, sfmt('nomination "%s"', code), nil)
  end
  local reported = {}
  for _, f in ipairs(found) do
    local key = f.at .. "\0" .. f.name
    if not reported[key] then
      reported[key] = true
      problem(f.at, '%s đọc chỉ tiêu "%s", chỉ tiêu này chưa được khai báo cho %s (khai báo '
        .. 'bằng fact "%s" { ... } trong facts.lua)', f.what, f.name, kinds_label(f.kinds), f.name)
    end
  end
end

-- The texts are needed only while loading.
function E.forget_sources()
  for k in pairs(sources) do sources[k] = nil end
  for k in pairs(token_cache) do token_cache[k] = nil end
end
