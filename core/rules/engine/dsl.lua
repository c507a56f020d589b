--[[
engine/dsl.lua — the first chunk of the rule engine's Lua half (see engine/api.lua for the
whole and for how C loads it).

It owns the helpers every chunk shares (array, problem, copy, SUBJECTS), the declarations of
the ruleset being loaded, the rules DSL that fills them (fact, criterion, title, nomination,
reminder, test; campaign is engine/campaign.lua's), and the environment rule files run in (`rule_env`, with its pcall and
setmetatable, and its freezing once every file has run).

Rule code never sees this file's locals: it runs with its own environment (`rule_env`) and
reaches the engine only through the DSL functions.
--]]

local E, host = ...

local array_mt = host.array_mt
local where = host.where
local sfmt = string.format
local mtype = math.type
local type, pairs, ipairs, tostring, error, select = type, pairs, ipairs, tostring, error, select
local pcall, setmetatable, next = pcall, setmetatable, next

local function array(t)
  return setmetatable(t or {}, array_mt)
end
E.array = array

local SUBJECTS = { unit = "tập thể", person = "cá nhân" }
E.SUBJECTS = SUBJECTS
local FACT_TYPES = { boolean = true, integer = true, enum = true, string = true }

-- Declarations of the ruleset being loaded. E.campaign_decl is set by campaign (read it
-- through E); the tables are never replaced, so the other chunks keep local aliases.
E.campaign_decl = nil
local facts, fact_order = {}, {}
local criteria, criterion_order = {}, {}
local titles, title_order = {}, {}
local nominations, nomination_order = {}, {}
local reminders, reminder_order = {}, {}
local tests = {}
local problems = {} -- "file:line: message"
E.facts, E.fact_order = facts, fact_order
E.criteria, E.criterion_order = criteria, criterion_order
E.titles, E.title_order = titles, title_order
E.nominations, E.nomination_order = nominations, nomination_order
E.reminders, E.reminder_order = reminders, reminder_order
E.tests = tests
E.problems = problems

local function problem(at, fmt, ...)
  problems[#problems + 1] = at .. ": " .. sfmt(fmt, ...)
end
E.problem = problem

local function valid_id(id)
  return type(id) == "string" and id:match("^[%a_][%w_]*$") ~= nil
end

-- Where `key` of the declaration starting at `at` is written (engine/source.lua).
local function field_at(at, key)
  return E.key_lines(at)(key)
end

local function check_fields(at, what, spec, allowed)
  for k in pairs(spec) do
    if not allowed[k] then
      problem(field_at(at, tostring(k)), '%s: trường "%s" không có trong khai báo', what,
        tostring(k))
    end
  end
end

local function list_of_ids(at, what, field, value)
  if value == nil then return {} end
  if type(value) ~= "table" then
    problem(at, "%s: %s phải là một danh sách mã", what, field)
    return {}
  end
  for i, v in ipairs(value) do
    if not valid_id(v) then problem(at, "%s: %s[%d] không phải là một mã", what, field, i) end
  end
  return value
end

E.in_tests = false -- set once the tests/ folder starts loading (M.begin_tests)

-- A declaration function: `kind "id" { spec }`. What every kind checks the same way is
-- here: the place, the name, a table, a second declaration of the same id (`taken` says
-- where an id is already used), fields nobody reads, and the subject when the kind has one.
local function declarer(kind, fields, taken, on_spec)
  return function(id)
    local at = where(2)
    if E.in_tests then
      problem(at, '%s "%s": quy tắc được khai báo trong các tệp của bộ quy tắc, không trong tests/', kind,
        tostring(id))
      return function() end
    end
    if not valid_id(id) then
      problem(at, '%s: tên phải là một mã như "TT1" (chữ, số, _), nhận %s',
        kind, tostring(id))
    end
    return function(spec)
      if type(spec) ~= "table" then
        problem(at, '%s "%s": cần một bảng { ... }', kind, tostring(id))
        return
      end
      local what = sfmt('%s "%s"', kind, tostring(id))
      local first = taken(id)
      if first and not E.another_version(kind, id, first, spec) then -- engine/versions.lua
        problem(at, "%s: khai báo hai lần (lần đầu tại %s)", what, first.at)
        return
      end
      check_fields(at, what, spec, E.fields_with_valid(kind, fields))
      if fields.subject and not SUBJECTS[spec.subject] then
        problem(field_at(at, "subject"), '%s: subject phải là "unit" (tập thể) hoặc "person" (cá nhân)', what)
      end
      E.declare_version(kind, at, id, spec, what, first, on_spec)
    end
  end
end

---------------------------------------------------------------------------------------------
-- The DSL

local function date_ok(s)
  if type(s) ~= "string" then return false end
  local y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then return false end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  local days = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }
  if m < 1 or m > 12 or d < 1 then return false end
  local max = days[m] + ((m == 2 and (y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0))) and 1 or 0)
  return d <= max
end
E.date_ok = date_ok

local fact = declarer("fact", { subject = 1, type = 1, label = 1, min = 1, max = 1, values = 1,
  optional = 1, max_length = 1 }, function(id) return facts[id] end, function(at, id, spec, what)
  if not FACT_TYPES[spec.type] then
    problem(field_at(at, "type"), '%s: type phải là "boolean", "integer", "enum" hoặc "string"', what)
  end
  if type(spec.label) ~= "string" or spec.label == "" then
    problem(at, "%s: thiếu label (tên chỉ tiêu bằng tiếng Việt)", what)
  end
  if spec.type == "enum" then
    if type(spec.values) ~= "table" or #spec.values == 0 then
      problem(at, "%s: kiểu enum cần values = { ... }", what)
    end
  end
  if spec.min ~= nil and mtype(spec.min) ~= "integer" then problem(field_at(at, "min"), "%s: min phải là số nguyên", what) end
  if spec.max ~= nil and mtype(spec.max) ~= "integer" then problem(field_at(at, "max"), "%s: max phải là số nguyên", what) end
  local allowed = {}
  for _, v in ipairs(spec.values or {}) do allowed[v] = true end
  facts[id] = { at = at, id = id, subject = spec.subject, type = spec.type, label = spec.label,
    min = spec.min, max = spec.max, values = spec.values, allowed = allowed,
    optional = spec.optional == true, max_length = spec.max_length }
  fact_order[#fact_order + 1] = id
end)

local criterion = declarer("criterion", { subject = 1, points = 1, title = 1, check = 1,
  applies = 1, after = 1 }, function(id) return criteria[id] end, function(at, id, spec, what)
  if type(spec.title) ~= "string" or spec.title == "" then
    problem(at, "%s: thiếu title (nguyên văn tiêu chí trong kế hoạch)", what)
  end
  if type(spec.check) ~= "function" then problem(at, "%s: thiếu check = function(s, f, ctx)", what) end
  if spec.applies ~= nil and type(spec.applies) ~= "function" then
    problem(field_at(at, "applies"), "%s: applies phải là một hàm", what)
  end
  local points = spec.points or 0
  if mtype(points) ~= "integer" or points < 0 then
    problem(field_at(at, "points"), "%s: points phải là số điểm nguyên, không âm", what)
  end
  criteria[id] = { at = at, id = id, subject = spec.subject, points = points, title = spec.title,
    check = spec.check, applies = spec.applies, after = list_of_ids(at, what, "after", spec.after) }
  criterion_order[#criterion_order + 1] = id
end)

local title = declarer("title", { subject = 1, name = 1, decided_by = 1, requires = 1, after = 1,
  check = 1 }, function(id) return titles[id] or nominations[id] end, function(at, id, spec, what)
  if type(spec.name) ~= "string" then problem(at, "%s: thiếu name (tên danh hiệu)", what) end
  if spec.check ~= nil and type(spec.check) ~= "function" then problem(field_at(at, "check"), "%s: check phải là một hàm", what) end
  local after = list_of_ids(at, what, "after", spec.after)
  local after_set = {}
  for _, a in ipairs(after) do after_set[a] = true end
  titles[id] = { at = at, code = id, subject = spec.subject, name = spec.name,
    decided_by = spec.decided_by or "", requires = list_of_ids(at, what, "requires", spec.requires),
    after = after, after_set = after_set, check = spec.check }
  title_order[#title_order + 1] = id
end)

local nomination = declarer("nomination", { name = 1, decided_by = 1, subjects = 1, check = 1 },
  function(id) return nominations[id] or titles[id] end, function(at, id, spec, what)
  if type(spec.name) ~= "string" then problem(at, "%s: thiếu name (tên danh hiệu)", what) end
  if type(spec.check) ~= "function" then problem(at, "%s: thiếu check = function(s, f, ctx)", what) end
  local subjects = {}
  for _, s in ipairs(spec.subjects or { "unit", "person" }) do
    if not SUBJECTS[s] then problem(field_at(at, "subjects"), '%s: subjects chỉ gồm "unit" và "person"', what) end
    subjects[s] = true
  end
  nominations[id] = { at = at, code = id, name = spec.name, decided_by = spec.decided_by or "",
    subjects = subjects, check = spec.check }
  nomination_order[#nomination_order + 1] = id
end)

-- "HH:MM", 00:00 to 23:59.
local function time_ok(s)
  if type(s) ~= "string" then return false end
  local h, m = s:match("^(%d%d):(%d%d)$")
  return h ~= nil and tonumber(h) < 24 and tonumber(m) < 60
end
E.time_ok = time_ok

local DEADLINES = { report = true, registration = true }

local function positive_list(at, what, field, value)
  if value == nil then return {} end
  local out = {}
  if type(value) ~= "table" then
    problem(field_at(at, field), "%s: %s phải là danh sách số ngày nguyên", what, field)
    return out
  end
  for i, v in ipairs(value) do
    if mtype(v) ~= "integer" or v < 1 then
      problem(field_at(at, field), "%s: %s[%d] phải là số ngày nguyên, từ 1 trở lên", what, field, i)
    else
      out[#out + 1] = v
    end
  end
  return out
end

local function days_or_nil(at, what, field, value)
  if value ~= nil and (mtype(value) ~= "integer" or value < 1) then
    problem(field_at(at, field), "%s: %s phải là số ngày nguyên, từ 1 trở lên", what, field)
    return nil
  end
  return value
end

local reminder = declarer("reminder", { deadline = 1, before = 1, on_day = 1, overdue_every = 1,
  escalate_after = 1, stop_after = 1, channels = 1, heading = 1, text = 1 },
  function(id) return reminders[id] end, function(at, id, spec, what)
  if not DEADLINES[spec.deadline] then
    problem(field_at(at, "deadline"), '%s: deadline phải là "report" hoặc "registration"', what)
  end
  if type(spec.text) ~= "function" then problem(at, "%s: thiếu text = function(r)", what) end
  if spec.heading ~= nil and type(spec.heading) ~= "function" then
    problem(field_at(at, "heading"), "%s: heading (tiêu đề thư) phải là một hàm function(r)", what)
  end
  local channels = list_of_ids(at, what, "channels", spec.channels)
  if #channels == 0 then problem(at, "%s: thiếu channels = { ... }", what) end
  reminders[id] = { at = at, id = id, deadline = spec.deadline,
    before = positive_list(at, what, "before", spec.before), on_day = spec.on_day ~= false,
    overdue_every = days_or_nil(at, what, "overdue_every", spec.overdue_every),
    escalate_after = days_or_nil(at, what, "escalate_after", spec.escalate_after),
    stop_after = days_or_nil(at, what, "stop_after", spec.stop_after) or 20,
    channels = channels, heading = spec.heading, text = spec.text }
  reminder_order[#reminder_order + 1] = id
end)

-- fact_label("name"): the label facts.lua declares, for reasons such as "Chưa báo cáo: …"
-- (so the wording lives in one place). Called while rules run, once every file is loaded.
local function fact_label(name)
  local d = facts[name]
  if not d then error(sfmt('fact_label: chỉ tiêu "%s" chưa được khai báo', tostring(name)), 2) end
  return d.label
end

local function test(name)
  local at = where(2)
  return function(fn)
    if type(fn) ~= "function" then
      problem(at, 'test "%s": cần một hàm function(t)', tostring(name))
      return
    end
    tests[#tests + 1] = { name = tostring(name), at = at, fn = fn }
  end
end

---------------------------------------------------------------------------------------------
-- The environment rule files run in.

local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end
E.copy = copy

-- pcall for rules: a rule may catch its own errors, never the sandbox's (an exhausted
-- instruction budget or memory cap), or a loop around pcall would run for ever.
local function rule_pcall(fn, ...)
  local results = table.pack(pcall(fn, ...))
  if not results[1] and host.exhausted() then error(results[2], 0) end
  return table.unpack(results, 1, results.n)
end

-- setmetatable for rules: no finalizers (__gc), which would run outside any budget.
local function rule_setmetatable(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
    error("__gc finalizers are not allowed in rules", 2)
  end
  return setmetatable(t, mt)
end

local rule_env = {
  string = copy(string), table = copy(table), math = copy(math), utf8 = copy(utf8),
  os = { time = os.time, date = os.date },
  pairs = pairs, ipairs = ipairs, next = next, type = type, tostring = tostring,
  tonumber = tonumber, select = select, error = error, assert = assert, pcall = rule_pcall,
  rawget = rawget, rawequal = rawequal, rawlen = rawlen, setmetatable = rule_setmetatable,
  getmetatable = getmetatable,
  thidua = host.thidua,
  fact = fact, criterion = criterion, title = title,
  nomination = nomination, reminder = reminder, test = test, fact_label = fact_label,
}
rule_env._G = rule_env
rule_env.string.dump = nil -- bytecode has no use where load() does not exist
E.rule_env = rule_env

-- Reads pass through to t, writes are errors, the metatable is hidden. Evaluations share
-- the rules' environment: what one evaluation could change there would change the next.
local function read_only_mt(t, what)
  return {
    __index = t,
    __newindex = function(_, k)
      error(sfmt("%s is read-only while rules run (cannot set %s); use a local", what,
        tostring(k)), 2)
    end,
    __metatable = false,
  }
end

-- Once every file has run, globals and libraries stop changing: rule_env (the _ENV of
-- every rule chunk) is emptied into a hidden table it then reads through.
local function freeze_environment()
  local globals = {}
  for k, v in next, rule_env do
    if type(v) == "table" and k ~= "_G" then
      v = setmetatable({}, read_only_mt(v, k))
    end
    globals[k] = v
    rule_env[k] = nil
  end
  globals._G = rule_env
  setmetatable(rule_env, read_only_mt(globals, "the global environment"))
end
E.freeze_environment = freeze_environment
