--[[
engine/dsl.lua — the first chunk of the rule engine's Lua half (see engine/api.lua for the
whole and for how C loads it).

It owns the helpers every chunk shares (array, problem, copy, SUBJECTS), the declarations of
the ruleset being loaded, the rules DSL that fills them (campaign, fact, criterion, title,
nomination, reminder, test), and the environment rule files run in (`rule_env`, with its pcall and
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

local function check_fields(at, what, spec, allowed)
  for k in pairs(spec) do
    if not allowed[k] then
      problem(at, '%s: unknown field "%s"', what, tostring(k))
    end
  end
end

local function list_of_ids(at, what, field, value)
  if value == nil then return {} end
  if type(value) ~= "table" then
    problem(at, "%s: %s must be a list of codes", what, field)
    return {}
  end
  for i, v in ipairs(value) do
    if not valid_id(v) then problem(at, "%s: %s[%d] is not a code", what, field, i) end
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
      problem(at, '%s "%s": rules are declared in the ruleset\'s files, not in tests/', kind,
        tostring(id))
      return function() end
    end
    if not valid_id(id) then
      problem(at, '%s: the name must be a code like "TT1" (letters, digits, _), got %s',
        kind, tostring(id))
    end
    return function(spec)
      if type(spec) ~= "table" then
        problem(at, '%s "%s": expected a table { ... }', kind, tostring(id))
        return
      end
      local what = sfmt('%s "%s"', kind, tostring(id))
      local first = taken(id)
      if first and not E.another_version(kind, id, first, spec) then -- engine/versions.lua
        problem(at, "%s: declared twice (first at %s)", what, first.at)
        return
      end
      check_fields(at, what, spec, E.fields_with_valid(kind, fields))
      if fields.subject and not SUBJECTS[spec.subject] then
        problem(at, '%s: subject must be "unit" or "person"', what)
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

local function campaign(spec)
  local at = where(2)
  if E.in_tests then
    problem(at, "campaign: declared in tests/; it belongs in the ruleset's files")
    return
  end
  if E.campaign_decl then
    problem(at, "campaign: declared twice (first at %s)", E.campaign_decl.at)
    return
  end
  if type(spec) ~= "table" then
    problem(at, "campaign: expected a table { ... }")
    return
  end
  check_fields(at, "campaign", spec, { year = 1, name = 1, theme = 1, contents = 1,
    registration_due = 1, periods = 1, holidays = 1, office = 1, send_time = 1,
    quiet_hours = 1, weekend = 1 })
  if mtype(spec.year) ~= "integer" then problem(at, "campaign: year must be a whole number") end
  if type(spec.name) ~= "string" then problem(at, "campaign: name is missing") end
  if spec.registration_due ~= nil and not date_ok(spec.registration_due) then
    problem(at, "campaign: registration_due must be a date YYYY-MM-DD")
  end
  local periods = {}
  if type(spec.periods) ~= "table" or next(spec.periods) == nil then
    problem(at, "campaign: periods is missing")
  else
    for code, p in pairs(spec.periods) do
      local label = sfmt('campaign: period "%s"', tostring(code))
      if type(code) ~= "string" or not code:match("^%d%d%d%d%-[HY]%d?$") then
        problem(at, "%s: the code must look like 2025-H1 or 2025-Y", label)
      elseif type(p) ~= "table" then
        problem(at, "%s: expected a table", label)
      else
        for _, f in ipairs({ "from", "to", "report_due" }) do
          if not date_ok(p[f]) then problem(at, "%s: %s must be a date YYYY-MM-DD", label, f) end
        end
        if date_ok(p.from) and date_ok(p.to) and p.to < p.from then
          problem(at, "%s: to is before from", label)
        end
        periods[code] = { code = code, label = p.label or code, from = p.from, to = p.to,
          report_due = p.report_due, kind = code:sub(6, 6) == "Y" and "Y" or code:sub(6) }
      end
    end
  end
  local holidays = array()
  for i, h in ipairs(spec.holidays or {}) do
    if type(h) == "string" then h = { from = h, to = h } end
    if type(h) ~= "table" or not date_ok(h.from) or not date_ok(h.to or h.from) then
      problem(at, "campaign: holidays[%d] must be a date or { from = ..., to = ..., name = ... }", i)
    else
      holidays[#holidays + 1] = { from = h.from, to = h.to or h.from, name = h.name or "" }
    end
  end
  local contents = array()
  for _, c in ipairs(spec.contents or {}) do contents[#contents + 1] = tostring(c) end
  local calendar = E.campaign_calendar(at, spec)
  E.campaign_decl = { at = at, year = spec.year, name = spec.name, theme = spec.theme or "",
    contents = contents, registration_due = spec.registration_due, periods = periods,
    holidays = holidays, office = calendar.office, send_time = calendar.send_time,
    quiet_hours = calendar.quiet_hours, weekend = calendar.weekend }
end

local fact = declarer("fact", { subject = 1, type = 1, label = 1, min = 1, max = 1, values = 1,
  optional = 1, max_length = 1 }, function(id) return facts[id] end, function(at, id, spec, what)
  if not FACT_TYPES[spec.type] then
    problem(at, '%s: type must be "boolean", "integer", "enum" or "string"', what)
  end
  if type(spec.label) ~= "string" or spec.label == "" then
    problem(at, "%s: label (the Vietnamese wording) is missing", what)
  end
  if spec.type == "enum" then
    if type(spec.values) ~= "table" or #spec.values == 0 then
      problem(at, "%s: an enum needs values = { ... }", what)
    end
  end
  if spec.min ~= nil and mtype(spec.min) ~= "integer" then problem(at, "%s: min must be a whole number", what) end
  if spec.max ~= nil and mtype(spec.max) ~= "integer" then problem(at, "%s: max must be a whole number", what) end
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
    problem(at, "%s: title (the plan's wording) is missing", what)
  end
  if type(spec.check) ~= "function" then problem(at, "%s: check = function(s, f, ctx) is missing", what) end
  if spec.applies ~= nil and type(spec.applies) ~= "function" then
    problem(at, "%s: applies must be a function", what)
  end
  local points = spec.points or 0
  if mtype(points) ~= "integer" or points < 0 then
    problem(at, "%s: points must be a whole number >= 0", what)
  end
  criteria[id] = { at = at, id = id, subject = spec.subject, points = points, title = spec.title,
    check = spec.check, applies = spec.applies, after = list_of_ids(at, what, "after", spec.after) }
  criterion_order[#criterion_order + 1] = id
end)

local title = declarer("title", { subject = 1, name = 1, decided_by = 1, requires = 1, after = 1,
  check = 1 }, function(id) return titles[id] or nominations[id] end, function(at, id, spec, what)
  if type(spec.name) ~= "string" then problem(at, "%s: name is missing", what) end
  if spec.check ~= nil and type(spec.check) ~= "function" then problem(at, "%s: check must be a function", what) end
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
  if type(spec.name) ~= "string" then problem(at, "%s: name is missing", what) end
  if type(spec.check) ~= "function" then problem(at, "%s: check = function(s, f, ctx) is missing", what) end
  local subjects = {}
  for _, s in ipairs(spec.subjects or { "unit", "person" }) do
    if not SUBJECTS[s] then problem(at, '%s: subjects may hold "unit" and "person"', what) end
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

-- The campaign's calendar of reminders: who is the Department Office (copied on
-- escalations), when reminders go out, the quiet hours, the weekend (ISO days, 1 = Monday).
function E.campaign_calendar(at, spec)
  local out = { office = spec.office, send_time = spec.send_time or "08:00",
    quiet_hours = spec.quiet_hours or { from = "21:00", to = "07:00" },
    weekend = spec.weekend or { 6, 7 } }
  if out.office ~= nil and not (type(out.office) == "string" and out.office:match("^[%w_.-]+$")) then
    problem(at, "campaign: office must be the code of the Department Office's unit")
  end
  if not time_ok(out.send_time) then problem(at, 'campaign: send_time must be "HH:MM"') end
  local q = out.quiet_hours
  if type(q) ~= "table" or not time_ok(q.from) or not time_ok(q.to) then
    problem(at, 'campaign: quiet_hours must be { from = "HH:MM", to = "HH:MM" }')
  end
  local weekend = {}
  for i, d in ipairs(type(out.weekend) == "table" and out.weekend or {}) do
    if mtype(d) ~= "integer" or d < 1 or d > 7 then
      problem(at, "campaign: weekend[%d] must be a day 1 (Monday) to 7 (Sunday)", i)
    else
      weekend[d] = true
    end
  end
  out.weekend = weekend
  return out
end

local DEADLINES = { report = true, registration = true }

local function positive_list(at, what, field, value)
  if value == nil then return {} end
  local out = {}
  if type(value) ~= "table" then
    problem(at, "%s: %s must be a list of whole numbers of days", what, field)
    return out
  end
  for i, v in ipairs(value) do
    if mtype(v) ~= "integer" or v < 1 then
      problem(at, "%s: %s[%d] must be a whole number of days >= 1", what, field, i)
    else
      out[#out + 1] = v
    end
  end
  return out
end

local function days_or_nil(at, what, field, value)
  if value ~= nil and (mtype(value) ~= "integer" or value < 1) then
    problem(at, "%s: %s must be a whole number of days >= 1", what, field)
    return nil
  end
  return value
end

local reminder = declarer("reminder", { deadline = 1, before = 1, on_day = 1, overdue_every = 1,
  escalate_after = 1, stop_after = 1, channels = 1, heading = 1, text = 1 },
  function(id) return reminders[id] end, function(at, id, spec, what)
  if not DEADLINES[spec.deadline] then
    problem(at, '%s: deadline must be "report" or "registration"', what)
  end
  if type(spec.text) ~= "function" then problem(at, "%s: text = function(r) is missing", what) end
  if spec.heading ~= nil and type(spec.heading) ~= "function" then
    problem(at, "%s: heading (an email's subject) must be a function(r)", what)
  end
  local channels = list_of_ids(at, what, "channels", spec.channels)
  if #channels == 0 then problem(at, "%s: channels = { ... } is missing", what) end
  reminders[id] = { at = at, id = id, deadline = spec.deadline,
    before = positive_list(at, what, "before", spec.before), on_day = spec.on_day ~= false,
    overdue_every = days_or_nil(at, what, "overdue_every", spec.overdue_every),
    escalate_after = days_or_nil(at, what, "escalate_after", spec.escalate_after),
    stop_after = days_or_nil(at, what, "stop_after", spec.stop_after) or 20,
    channels = channels, heading = spec.heading, text = spec.text }
  reminder_order[#reminder_order + 1] = id
end)

local function test(name)
  local at = where(2)
  return function(fn)
    if type(fn) ~= "function" then
      problem(at, 'test "%s": expected a function(t)', tostring(name))
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
  campaign = campaign, fact = fact, criterion = criterion, title = title,
  nomination = nomination, reminder = reminder, test = test,
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
