--[[
engine.lua — the rule engine's Lua half, compiled into thiduad and run first in every rules
generation (a fresh sandboxed lua_State; see rules.c).

It owns the rules DSL (campaign, fact, criterion, title, nomination, test), the checks made
on a ruleset once its files have run (references, dependency order, cycles), fact
validation, and the evaluation of a unit with its members in the order the plan needs:

  1. each member: criteria, then person titles in dependency order;
  2. the unit: criteria, then unit titles (they see the members' titles from step 1);
  3. "late" person criteria (a criterion with `after`, e.g. CN7: the head's unit must be
     TTLDXS) for the members they apply to, whose titles are then decided again;
  4. nominations (GIAY_KHEN, BANG_KHEN) for the unit and its members.

So a unit's shares count its members' titles as the law has them (before CN7), and a head
whose unit misses TTLDXS then loses LDTT: counting CN7 in the shares would be circular.

Rule code never sees this file's locals: it runs with its own environment (`rule_env`) and
reaches the engine only through the DSL functions. The table this chunk returns is kept by
C in the registry. The C side passes `host` with: where(level) -> "file:line",
array_mt (marks a table as a JSON array), null (JSON null), thidua (the rules' module).
--]]

local host = ...

local array_mt, null = host.array_mt, host.null
local where = host.where
local sfmt = string.format
local tconcat, tsort, tinsert = table.concat, table.sort, table.insert
local mtype = math.type
local type, pairs, ipairs, tostring, error, select = type, pairs, ipairs, tostring, error, select
local pcall, setmetatable, next = pcall, setmetatable, next

local function array(t)
  return setmetatable(t or {}, array_mt)
end

local SUBJECTS = { unit = "tập thể", person = "cá nhân" }
local FACT_TYPES = { boolean = true, integer = true, enum = true, string = true }

-- Declarations of the ruleset being loaded.
local campaign_decl
local facts, fact_order = {}, {}
local criteria, criterion_order = {}, {}
local titles, title_order = {}, {}
local nominations, nomination_order = {}, {}
local tests = {}
local problems = {} -- "file:line: message"

-- Derived by finish().
local title_sequence = { unit = {}, person = {} } -- in dependency order
local early_criteria = { unit = {}, person = {} }
local late_criteria = {}

local function problem(at, fmt, ...)
  problems[#problems + 1] = at .. ": " .. sfmt(fmt, ...)
end

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

local in_tests = false -- set once the tests/ folder starts loading

-- A declaration function: `kind "id" { spec }`. What every kind checks the same way is
-- here: the place, the name, a table, a second declaration of the same id (`taken` says
-- where an id is already used), fields nobody reads, and the subject when the kind has one.
local function declarer(kind, fields, taken, on_spec)
  return function(id)
    local at = where(2)
    if in_tests then
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
      if first then
        problem(at, "%s: declared twice (first at %s)", what, first.at)
        return
      end
      check_fields(at, what, spec, fields)
      if fields.subject and not SUBJECTS[spec.subject] then
        problem(at, '%s: subject must be "unit" or "person"', what)
      end
      on_spec(at, id, spec, what)
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
  if in_tests then
    problem(at, "campaign: declared in tests/; it belongs in the ruleset's files")
    return
  end
  if campaign_decl then
    problem(at, "campaign: declared twice (first at %s)", campaign_decl.at)
    return
  end
  if type(spec) ~= "table" then
    problem(at, "campaign: expected a table { ... }")
    return
  end
  check_fields(at, "campaign", spec, { year = 1, name = 1, theme = 1, contents = 1,
    registration_due = 1, periods = 1, holidays = 1 })
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
  campaign_decl = { at = at, year = spec.year, name = spec.name, theme = spec.theme or "",
    contents = contents, registration_due = spec.registration_due, periods = periods,
    holidays = holidays }
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
  nomination = nomination, test = test,
}
rule_env._G = rule_env
rule_env.string.dump = nil -- bytecode has no use where load() does not exist

---------------------------------------------------------------------------------------------
-- After every file has run: references, order, cycles.

local function order_titles()
  -- Depth-first topological sort; a grey node met again closes a cycle.
  local state, sequence = {}, {}
  local function visit(code, path)
    local t = titles[code]
    if state[code] == "done" then return true end
    if state[code] == "active" then
      local cycle = {}
      local started = false
      for _, c in ipairs(path) do
        if c == code then started = true end
        if started then cycle[#cycle + 1] = c end
      end
      cycle[#cycle + 1] = code
      problem(t.at, 'title "%s": its `after` list loops back to itself (%s)', code,
        tconcat(cycle, " → "))
      return false
    end
    state[code] = "active"
    path[#path + 1] = code
    for _, dep in ipairs(t.after) do
      if titles[dep] and not visit(dep, path) then return false end
    end
    path[#path] = nil
    state[code] = "done"
    sequence[#sequence + 1] = code
    return true
  end
  for _, code in ipairs(title_order) do
    if not visit(code, {}) then return end
  end
  for _, code in ipairs(sequence) do
    local t = titles[code]
    tinsert(title_sequence[t.subject], t)
  end
end

local function finish()
  if not campaign_decl then problem("(ruleset)", "no campaign { ... } is declared") end
  for _, id in ipairs(criterion_order) do
    local c = criteria[id]
    if #c.after > 0 then
      if c.subject ~= "person" then
        problem(c.at, 'criterion "%s": only person criteria may come after titles', id)
      end
      for _, a in ipairs(c.after) do
        if not titles[a] then
          problem(c.at, 'criterion "%s": after names an unknown title "%s"', id, a)
        elseif titles[a].subject ~= "unit" then
          problem(c.at, 'criterion "%s": after may name unit titles only ("%s" is a person title)', id, a)
        end
      end
      late_criteria[#late_criteria + 1] = c
    elseif SUBJECTS[c.subject] then
      tinsert(early_criteria[c.subject], c)
    end
  end
  for _, code in ipairs(title_order) do
    local t = titles[code]
    for _, r in ipairs(t.requires) do
      local c = criteria[r]
      if not c then
        problem(t.at, 'title "%s": requires names an unknown criterion "%s"', code, r)
      elseif c.subject ~= t.subject then
        problem(t.at, 'title "%s": requires criterion "%s" of another subject', code, r)
      end
    end
    for _, a in ipairs(t.after) do
      local dep = titles[a]
      if not dep then
        problem(t.at, 'title "%s": after names an unknown title "%s"', code, a)
      elseif t.subject == "person" and dep.subject == "unit" then
        problem(t.at, 'title "%s": a person title cannot come after the unit title "%s"; '
          .. 'use a criterion with after = { "%s" } (like CN7) and require it', code, a, a)
      end
    end
  end
  order_titles()
  return #problems == 0
end

---------------------------------------------------------------------------------------------
-- Evaluation

local function fact_error(kind, name, level)
  error(sfmt('fact "%s" is not declared for a %s (%s)', tostring(name), kind,
    SUBJECTS[kind] or kind), level)
end

-- A subject's facts as rules see them: a plain copy of the reported values (so reading
-- one is a table access, the hot path of every evaluation), whose metatable answers only
-- for what is absent: nil for a declared fact not reported, an error for a name no fact
-- declares. Assigning a fact is an error; the copy is per evaluation, so nothing a rule
-- does to it outlives the call.
local facts_mt = {}
for kind in pairs(SUBJECTS) do
  facts_mt[kind] = {
    __index = function(_, name)
      local d = facts[name]
      if not d or d.subject ~= kind then fact_error(kind, name, 3) end
      return nil
    end,
    __newindex = function() error("facts are read-only", 2) end,
    __metatable = false,
  }
end

local function facts_view(kind, values)
  local view = {}
  for name, v in next, values do
    if v ~= null then view[name] = v end
  end
  return setmetatable(view, facts_mt[kind])
end

-- Where the rule being run was declared: C names it when memory runs out, since an
-- allocation failure carries no position of its own.
local running = ""

-- Shared by every check that gives no reason: never appended to.
local NO_REASONS = array()

-- Runs a check and normalises its answer to ok, reasons.
local function run_check(fn, s, f, ctx, at)
  running = at
  local ok, why = fn(s, f, ctx)
  if why == nil then return ok == true, NO_REASONS end
  local reasons = array()
  if type(why) == "string" then
    reasons[1] = why
  elseif type(why) == "table" then
    for _, r in ipairs(why) do reasons[#reasons + 1] = tostring(r) end
  end
  return ok == true, reasons
end

-- What a ctx stands for (its result, the title being decided, the unit's members, the
-- person's unit) is kept here, out of the rules' reach: a rule holds the ctx, never the
-- engine's tables behind it.
local ctx_state = setmetatable({}, { __mode = "k" })

-- The methods live in their own table, reached through a hidden metatable: neither
-- getmetatable(ctx) nor ctx.__index hands a rule the table every ctx shares.
local ctx_methods = {}
local ctx_mt = { __index = ctx_methods, __metatable = false }

local function state_of(ctx)
  local st = ctx_state[ctx]
  if not st then error("call ctx methods as ctx:method(...)", 3) end
  return st
end

function ctx_methods:passed(id)
  local st = state_of(self)
  if not criteria[id] then error(sfmt('ctx:passed: unknown criterion "%s"', tostring(id)), 2) end
  local c = st.result.criteria[id]
  return c ~= nil and c.applicable and c.passed
end

function ctx_methods:has(code)
  local st = state_of(self)
  if not titles[code] then error(sfmt('ctx:has: unknown title "%s"', tostring(code)), 2) end
  local current = st.title
  if current and not current.after_set[code] and current.code ~= code then
    error(sfmt('title "%s" uses ctx:has("%s"): list "%s" in its after = { ... }', current.code,
      code, code), 2)
  end
  return st.result.titles[code] == true
end

local function members_of(self, name)
  local st = state_of(self)
  if not st.members then error("ctx:" .. name .. "() is for unit rules only", 3) end
  return st.members
end

function ctx_methods:members()
  return members_of(self, "members")
end

function ctx_methods:member_count()
  return #members_of(self, "member_count")
end

function ctx_methods:count(code)
  local members = members_of(self, "count")
  if not titles[code] then error(sfmt('ctx:count: unknown title "%s"', tostring(code)), 2) end
  local n = 0
  for _, m in ipairs(members) do
    if m.titles[code] then n = n + 1 end
  end
  return n
end

function ctx_methods:share(code)
  local members = members_of(self, "share")
  if #members == 0 then return 0 end
  return self:count(code) / #members
end

function ctx_methods:count_where(fn)
  local members = members_of(self, "count_where")
  local n = 0
  for _, m in ipairs(members) do
    if fn(m) then n = n + 1 end
  end
  return n
end

function ctx_methods:unit()
  local st = state_of(self)
  if not st.unit_view then error("ctx:unit() is for person rules only", 2) end
  return st.unit_view
end

-- A result: `subject` is what rules see (a copy they may scribble on); `info` is the
-- engine's own copy, the only one the evaluation's text is written from.
local function new_result(kind, input, period)
  local info
  if kind == "unit" then
    info = { code = tostring(input.code or ""), name = tostring(input.name or ""),
      kind = tostring(input.kind or "") }
  else
    info = { code = tostring(input.code or ""), full_name = tostring(input.full_name or ""),
      position = tostring(input.position or ""), is_head = input.is_head == true,
      unit_code = tostring(input.unit_code or "") }
  end
  local subject = {}
  for k, v in next, info do subject[k] = v end
  local values = input.facts or {}
  local ctx = setmetatable({ subject = kind, period = period.code, period_kind = period.kind },
    ctx_mt)
  local r = { kind = kind, info = info, subject = subject, values = values,
    facts = facts_view(kind, values), criteria = {}, titles = {}, reasons = {}, nominations = {},
    ctx = ctx }
  r.state = { result = r }
  ctx_state[ctx] = r.state
  return r
end

local function eval_criterion(r, c)
  local applicable = true
  running = c.at
  if c.applies then applicable = c.applies(r.subject, r.facts, r.ctx) == true end
  local passed, reasons = false, nil
  if applicable then passed, reasons = run_check(c.check, r.subject, r.facts, r.ctx, c.at) end
  r.criteria[c.id] = { passed = passed, applicable = applicable,
    points = (applicable and passed) and c.points or 0,
    reason = (not passed and applicable) and (reasons[1] or "Không đạt") or nil }
end

local function eval_titles(r)
  for _, t in ipairs(title_sequence[r.kind]) do
    local ok, reasons = true, array()
    for _, cid in ipairs(t.requires) do
      local c = r.criteria[cid]
      if c and c.applicable and not c.passed then
        ok = false
        reasons[#reasons + 1] = sfmt("Không đạt tiêu chí %s: %s", cid, c.reason)
      end
    end
    if t.check then
      r.state.title = t
      local cok, why = run_check(t.check, r.subject, r.facts, r.ctx, t.at)
      r.state.title = nil
      if not cok then
        ok = false
        for _, w in ipairs(why) do reasons[#reasons + 1] = w end
        if #why == 0 then reasons[#reasons + 1] = "Không đạt điều kiện của danh hiệu" end
      elseif ok then
        for _, w in ipairs(why) do reasons[#reasons + 1] = w end
      end
    end
    r.titles[t.code] = ok
    r.reasons[t.code] = reasons
  end
end

local function eval_nominations(r)
  for _, code in ipairs(nomination_order) do
    local n = nominations[code]
    if n.subjects[r.kind] then
      local ok, why = run_check(n.check, r.subject, r.facts, r.ctx, n.at)
      r.nominations[code] = ok
      r.reasons[code] = why
    end
  end
end

local function member_view(r)
  local passed = {}
  for id, c in pairs(r.criteria) do
    if c.applicable and c.passed then passed[id] = true end
  end
  local held = {}
  for code, ok in pairs(r.titles) do
    if ok then held[code] = true end
  end
  return { code = r.info.code, full_name = r.info.full_name, is_head = r.info.is_head,
    position = r.info.position, facts = r.facts, titles = held, criteria = passed }
end

local function score_of(r)
  local total = 0
  for _, c in pairs(r.criteria) do total = total + c.points end
  return total
end

-- Evaluates a unit (may be nil: a lone person) with its members for a period.
local function evaluate_group(period, unit_input, member_inputs)
  local people = {}
  for i, m in ipairs(member_inputs) do
    local r = new_result("person", m, period)
    people[i] = r
    for _, c in ipairs(early_criteria.person) do eval_criterion(r, c) end
    eval_titles(r)
  end

  local unit
  local unit_view = { code = "", name = "", facts = facts_view("unit", {}), titles = {} }
  if unit_input then
    unit = new_result("unit", unit_input, period)
    local members = {}
    for i, r in ipairs(people) do members[i] = member_view(r) end
    unit.state.members = members
    for _, c in ipairs(early_criteria.unit) do eval_criterion(unit, c) end
    eval_titles(unit)
    local held = {}
    for code, ok in pairs(unit.titles) do
      if ok then held[code] = true end
    end
    unit_view = { code = unit.info.code, name = unit.info.name, facts = unit.facts,
      titles = held }
  end

  for _, r in ipairs(people) do
    r.state.unit_view = unit_view
    if #late_criteria > 0 then
      local any = false
      for _, c in ipairs(late_criteria) do
        eval_criterion(r, c)
        any = any or r.criteria[c.id].applicable
      end
      if any then eval_titles(r) end
    end
    eval_nominations(r)
    r.score = score_of(r)
  end
  if unit then
    eval_nominations(unit)
    unit.score = score_of(unit)
  end
  return unit, people
end

-- The evaluation shape of DESIGN.md ("An evaluation").
local function to_public(r, period)
  local out = { period = period.code, subject = r.kind, code = r.info.code, score = r.score }
  if r.kind == "unit" then
    out.name = r.info.name
  else
    out.name = r.info.full_name
    out.unit_code = r.info.unit_code
    out.is_head = r.info.is_head
  end
  local crit = array()
  for _, id in ipairs(criterion_order) do
    local d = criteria[id]
    local c = r.criteria[id]
    if d.subject == r.kind and c then
      -- The result table itself becomes the public entry: one table less per criterion.
      c.id, c.title, c.max_points = id, d.title, d.points
      if c.reason == nil then c.reason = null end
      crit[#crit + 1] = c
    end
  end
  out.criteria = crit
  local tl = array()
  for _, code in ipairs(title_order) do
    local t = titles[code]
    if t.subject == r.kind then
      tl[#tl + 1] = { code = code, name = t.name, decided_by = t.decided_by,
        eligible = r.titles[code] == true, reasons = r.reasons[code] or array() }
    end
  end
  out.titles = tl
  local nl = array()
  for _, code in ipairs(nomination_order) do
    local n = nominations[code]
    if r.nominations[code] ~= nil then
      nl[#nl + 1] = { code = code, name = n.name, decided_by = n.decided_by,
        eligible = r.nominations[code], reasons = r.reasons[code] or array() }
    end
  end
  out.nominations = nl
  return out
end

local function find_period(code)
  local p = campaign_decl and campaign_decl.periods[code]
  if not p then error(sfmt('unknown period "%s"', tostring(code)), 0) end
  return p
end

---------------------------------------------------------------------------------------------
-- Fact validation: every problem, in declaration order, with a Vietnamese message.

local function validate_facts(kind, values)
  local details = array()
  local function add(name, fmt, ...)
    details[#details + 1] = { field = "facts." .. tostring(name), message = sfmt(fmt, ...) }
  end
  local names = {}
  for name in pairs(values) do names[#names + 1] = tostring(name) end
  tsort(names)
  for _, name in ipairs(names) do
    local v = values[name]
    local d = facts[name]
    if not d or d.subject ~= kind then
      add(name, "không có chỉ tiêu \"%s\" cho %s", name, SUBJECTS[kind])
    elseif v ~= null then
      if d.type == "boolean" then
        if type(v) ~= "boolean" then add(name, "%s: phải là true hoặc false", d.label) end
      elseif d.type == "integer" then
        if mtype(v) ~= "integer" then
          add(name, "%s: phải là số nguyên", d.label)
        elseif d.min and v < d.min then
          add(name, "%s: không được nhỏ hơn %d (nhận %d)", d.label, d.min, v)
        elseif d.max and v > d.max then
          add(name, "%s: không được lớn hơn %d (nhận %d)", d.label, d.max, v)
        end
      elseif d.type == "enum" then
        if type(v) ~= "string" or not d.allowed[v] then
          add(name, "%s: phải là một trong %s", d.label, tconcat(d.values, ", "))
        end
      elseif d.type == "string" then
        if type(v) ~= "string" then
          add(name, "%s: phải là chuỗi ký tự", d.label)
        elseif d.max_length and utf8.len(v) and utf8.len(v) > d.max_length then
          add(name, "%s: dài quá %d ký tự", d.label, d.max_length)
        end
      end
    end
  end
  return details
end

---------------------------------------------------------------------------------------------
-- Self-tests (rules/<year>/tests/*.lua)

local function friendly(r)
  local out = { criteria = {}, titles = {}, reasons = r.reasons, nominations = {}, score = r.score }
  for id, c in pairs(r.criteria) do
    out.criteria[id] = { passed = c.passed, applicable = c.applicable, points = c.points,
      reason = c.reason }
  end
  for code, ok in pairs(r.titles) do out.titles[code] = ok end
  for code, ok in pairs(r.nominations) do out.nominations[code] = ok end
  return out
end

local function default_period()
  if not campaign_decl then error("no campaign declared", 0) end
  local year = sfmt("%d-Y", campaign_decl.year)
  if campaign_decl.periods[year] then return campaign_decl.periods[year] end
  local first
  for code, p in pairs(campaign_decl.periods) do
    if not first or code < first.code then first = p end
  end
  return first
end

local function show(v)
  if type(v) == "string" then return sfmt("%q", v) end
  return tostring(v)
end

local test_api = {}

function test_api.evaluate_person(spec)
  local period = spec.period and find_period(spec.period) or default_period()
  local _, people = evaluate_group(period, nil, { {
    code = spec.code or "P", full_name = spec.full_name or "", position = spec.position or "",
    is_head = spec.is_head == true, unit_code = "", facts = spec.facts or {} } })
  return friendly(people[1])
end

function test_api.evaluate_unit(spec)
  local period = spec.period and find_period(spec.period) or default_period()
  local unit_spec = spec.unit or {}
  local members = {}
  for i, m in ipairs(spec.members or {}) do
    members[i] = { code = m.code or ("P" .. i), full_name = m.full_name or "",
      position = m.position or "", is_head = m.is_head == true,
      unit_code = unit_spec.code or "U", facts = m.facts or {} }
  end
  local unit, people = evaluate_group(period, { code = unit_spec.code or "U",
    name = unit_spec.name or "", kind = unit_spec.kind or "office",
    facts = unit_spec.facts or {} }, members)
  local out = { unit = friendly(unit), people = {} }
  for _, r in ipairs(people) do out.people[r.info.code] = friendly(r) end
  return out
end

function test_api.eq(actual, expected, message)
  if actual ~= expected then
    error(sfmt("%s: expected %s, got %s", message or "eq", show(expected), show(actual)), 2)
  end
end

function test_api.ok(condition, message)
  if not condition then error(message or "expected a true value", 2) end
end

local function run_tests()
  local results = array()
  for _, t in ipairs(tests) do
    local ok, err = pcall(t.fn, test_api)
    results[#results + 1] = { name = t.name, at = t.at, ok = ok,
      message = ok and null or tostring(err) }
  end
  return results
end

---------------------------------------------------------------------------------------------
-- A dry run with a plausible value for every fact, so a check that names an undeclared fact
-- or fails to run is refused at load, not on the first real report.

local function sample_facts(kind)
  local values = {}
  for _, name in ipairs(fact_order) do
    local d = facts[name]
    if d.subject == kind then
      if d.type == "boolean" then
        values[name] = true
      elseif d.type == "integer" then
        local v = 1
        if d.min and v < d.min then v = d.min end
        if d.max and v > d.max then v = d.max end
        values[name] = v
      elseif d.type == "enum" then
        values[name] = d.values[1]
      else
        values[name] = ""
      end
    end
  end
  return values
end

local function probe()
  local period = default_period()
  if not period then return end
  local unit = { code = "PROBE", name = "", kind = "office", facts = sample_facts("unit") }
  local members = {
    { code = "PROBE-1", is_head = true, facts = sample_facts("person") },
    { code = "PROBE-2", is_head = false, facts = sample_facts("person") },
  }
  local ok, err = pcall(evaluate_group, period, unit, members)
  if not ok then problems[#problems + 1] = tostring(err) end
  local ok2, err2 = pcall(evaluate_group, period, { code = "PROBE", facts = {} },
    { { code = "PROBE-3", facts = {} } })
  if not ok2 and (ok or tostring(err2) ~= tostring(err)) then problems[#problems + 1] = tostring(err2) end
end

---------------------------------------------------------------------------------------------
-- What C calls (rules.c).

local M = {}

M.env = rule_env

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

function M.finish()
  if #problems == 0 then finish() end
  freeze_environment()
  if #problems == 0 then probe() end
  return array(problems)
end

M.run_tests = run_tests

function M.begin_tests()
  in_tests = true
end

function M.running_rule()
  return running
end

function M.evaluate_unit(period_code, unit_input, member_inputs)
  local period = find_period(period_code)
  local unit, people = evaluate_group(period, unit_input, member_inputs)
  local out_people = array()
  for i, r in ipairs(people) do out_people[i] = to_public(r, period) end
  return { unit = to_public(unit, period), people = out_people }
end

function M.evaluate_person(period_code, person_input)
  local period = find_period(period_code)
  local _, people = evaluate_group(period, nil, { person_input })
  return to_public(people[1], period)
end

M.validate_facts = validate_facts

function M.periods()
  local out = array()
  local codes = {}
  for code in pairs(campaign_decl.periods) do codes[#codes + 1] = code end
  tsort(codes)
  for _, code in ipairs(codes) do
    local p = campaign_decl.periods[code]
    out[#out + 1] = { code = code, label = p.label, from = p.from, to = p.to,
      report_due = p.report_due, kind = p.kind }
  end
  return out
end

function M.catalog()
  local c = campaign_decl
  local out = { campaign = { year = c.year, name = c.name, theme = c.theme, contents = c.contents,
    registration_due = c.registration_due or null, holidays = c.holidays },
    periods = M.periods(), facts = array(), criteria = array(), titles = array(),
    nominations = array() }
  for _, name in ipairs(fact_order) do
    local d = facts[name]
    out.facts[#out.facts + 1] = { name = name, subject = d.subject, type = d.type,
      label = d.label, min = d.min or null, max = d.max or null,
      values = d.values and array(copy(d.values)) or null, optional = d.optional }
  end
  for _, id in ipairs(criterion_order) do
    local d = criteria[id]
    out.criteria[#out.criteria + 1] = { id = id, subject = d.subject, title = d.title,
      points = d.points }
  end
  for _, code in ipairs(title_order) do
    local t = titles[code]
    out.titles[#out.titles + 1] = { code = code, subject = t.subject, name = t.name,
      decided_by = t.decided_by, requires = array(copy(t.requires)), after = array(copy(t.after)) }
  end
  for _, code in ipairs(nomination_order) do
    local n = nominations[code]
    local subjects = array()
    for _, s in ipairs({ "unit", "person" }) do
      if n.subjects[s] then subjects[#subjects + 1] = s end
    end
    out.nominations[#out.nominations + 1] = { code = code, name = n.name,
      decided_by = n.decided_by, subjects = subjects }
  end
  return out
end

function M.summary()
  local count = function(t) local n = 0; for _ in pairs(t) do n = n + 1 end; return n end
  return sfmt("%d facts, %d criteria, %d titles, %d nominations, %d periods, %d tests",
    #fact_order, #criterion_order, #title_order, #nomination_order,
    campaign_decl and count(campaign_decl.periods) or 0, #tests)
end

return M
