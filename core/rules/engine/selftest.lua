--[[
engine/selftest.lua — the ruleset's self-tests (rules/<year>/tests/*.lua, declared with
`test`): the `t` they are given (test_api: evaluate_person, evaluate_unit, validate, remind,
working_day, effective_due, eq, ok) and
run_tests. Also the dry run made at the end of the load (probe), which evaluates made-up
subjects the same way.
--]]

local E, host = ...

local null = host.null
local sfmt = string.format
local type, pairs, ipairs, tostring, error = type, pairs, ipairs, tostring, error
local pcall = pcall

local array, problems, tests = E.array, E.problems, E.tests
local facts, fact_order = E.facts, E.fact_order
local evaluate_group, find_period = E.evaluate_group, E.find_period

---------------------------------------------------------------------------------------------
-- Self-tests (rules/<year>/tests/*.lua)

-- A result as tests read it: copies throughout, so a test that writes to what it got (say,
-- table.insert into a reasons list) cannot change what later evaluations return.
local function friendly(r)
  local reasons = {}
  for code, list in pairs(r.reasons) do
    local copy = {}
    for i, text in ipairs(list) do copy[i] = text end
    reasons[code] = copy
  end
  local out = { criteria = {}, titles = {}, reasons = reasons, nominations = {}, score = r.score }
  for id, c in pairs(r.criteria) do
    out.criteria[id] = { passed = c.passed, applicable = c.applicable, points = c.points,
      reason = c.reason }
  end
  for code, ok in pairs(r.titles) do out.titles[code] = ok end
  for code, ok in pairs(r.nominations) do out.nominations[code] = ok end
  return out
end

local function default_period()
  local campaign_decl = E.campaign_decl
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
    is_head = spec.is_head == true, unit_code = "", facts = spec.facts or {},
    history = spec.history } })
  return friendly(people[1])
end

function test_api.evaluate_unit(spec)
  local period = spec.period and find_period(spec.period) or default_period()
  local unit_spec = spec.unit or {}
  local members = {}
  for i, m in ipairs(spec.members or {}) do
    members[i] = { code = m.code or ("P" .. i), full_name = m.full_name or "",
      position = m.position or "", is_head = m.is_head == true,
      unit_code = unit_spec.code or "U", facts = m.facts or {}, history = m.history }
  end
  local unit, people = evaluate_group(period, { code = unit_spec.code or "U",
    name = unit_spec.name or "", kind = unit_spec.kind or "office",
    facts = unit_spec.facts or {}, history = unit_spec.history }, members)
  local out = { unit = friendly(unit), people = {} }
  for _, r in ipairs(people) do out.people[r.info.code] = friendly(r) end
  return out
end

-- t.remind { now = "YYYY-MM-DDTHH:MM", channels = { "email" }, units = { ... } }: the
-- messages the reminders ask for at `now`, for units given as the pass reads them
-- ({code, name, email, phone, submitted, facts, head, members}); every period of the
-- campaign gets the same units. Also t.working_day(date), t.effective_due(date).
function test_api.remind(spec)
  local periods = {}
  for code in pairs(E.campaign_decl.periods) do periods[code] = { units = spec.units or {} } end
  local out = E.plan_reminders({ now = spec.now, channels = spec.channels or { "log" },
    office = spec.office, periods = periods })
  local copy = {}
  for i, m in ipairs(out) do
    copy[i] = {}
    for k, v in pairs(m) do copy[i][k] = v end
  end
  return copy
end

-- t.validate { period, subject = "person", code, hired_on, facts }: the problems the
-- facts would get when reported ([{field, message}]), fact checks included.
function test_api.validate(spec)
  local period = spec.period and find_period(spec.period) or default_period()
  local out = E.validate_facts(spec.subject or "person", spec.facts or {}, { period = period.code,
    subject = { code = spec.code or "P", hired_on = spec.hired_on } })
  local copy = {}
  for i, d in ipairs(out) do copy[i] = { field = d.field, message = d.message } end
  return copy
end

function test_api.working_day(date)
  return E.working_day(date)
end

function test_api.effective_due(date)
  return E.effective_due(date)
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

local function probe_period(period)
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

-- Every period, so that every version of a rule with effective dates runs once.
local function probe()
  if not E.campaign_decl then return end
  local codes = {}
  for code in pairs(E.campaign_decl.periods) do codes[#codes + 1] = code end
  table.sort(codes)
  local before = #problems
  for _, code in ipairs(codes) do
    if #problems == before then probe_period(E.campaign_decl.periods[code]) end
  end
end

E.run_tests = run_tests
E.probe = probe
