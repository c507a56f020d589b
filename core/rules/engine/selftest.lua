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
local type, pairs, ipairs, tostring, error, select = type, pairs, ipairs, tostring, error, select
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
      reason = c.reason ~= null and c.reason or nil }
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

-- t.points("TT1", "TT2", ...): the points the ruleset declares for these criteria, added up;
-- t.points_of("unit"): for every criterion of a subject. Tests that are not about points
-- compute the scores they expect with these, so changing a criterion's points breaks only
-- the tests about points.
function test_api.points(...)
  local total = 0
  for i = 1, select("#", ...) do
    local id = select(i, ...)
    local c = E.criteria[id]
    if not c then error(sfmt('t.points: không có tiêu chí "%s"', tostring(id)), 2) end
    total = total + c.points
  end
  return total
end

function test_api.points_of(subject)
  local total = 0
  for _, id in ipairs(E.criterion_order) do
    local c = E.criteria[id]
    if c.subject == subject then total = total + c.points end
  end
  return total
end

-- t.label("name"): the fact's label as facts.lua declares it.
function test_api.label(name)
  local d = facts[name]
  if not d then error(sfmt('t.label: chỉ tiêu "%s" chưa được khai báo', tostring(name)), 2) end
  return d.label
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
-- A dry run, so a check that names an undeclared fact or fails to run is refused at load,
-- not on the first real report: every period, a unit with a head and a staff member, first
-- with a plausible value for every fact, then with nothing reported, then with each fact in
-- turn at each of its boundary values (the others plausible). A read of an undeclared name
-- fails in the facts view (engine/evaluate.lua) with the rule's file:line. Reads in
-- branches no value reaches are found by reading the source (engine/source.lua).

local ABSENT = {} -- a boundary value: the fact is not reported

-- What a fact is probed with: its bounds, every value of an enum, both booleans, and
-- absent for an optional fact. (Below min, above max or outside the values never reach a
-- rule: validate_facts refuses them.)
local function boundary_values(d)
  local out
  if d.type == "boolean" then
    out = { true, false }
  elseif d.type == "integer" then
    local low = d.min or 0
    local high = d.max or low + 1
    out = { low, math.min(low + 1, high), high }
  elseif d.type == "enum" then
    out = {}
    for i, v in ipairs(d.values) do out[i] = v end
  else
    out = { "", "x" }
  end
  if d.optional then out[#out + 1] = ABSENT end
  return out
end

local function sample_facts(kind)
  local values = {}
  for _, name in ipairs(fact_order) do
    local d = facts[name]
    if d.subject == kind then
      if d.type == "integer" then
        local v = 1
        if d.min and v < d.min then v = d.min end
        if d.max and v > d.max then v = d.max end
        values[name] = v
      else
        values[name] = boundary_values(d)[1]
      end
    end
  end
  return values
end

local PROBE_PROBLEMS_MAX = 20

-- Every period (so that every version of a rule with effective dates runs), with boundary
-- samples of every declared fact.
local function probe()
  if not E.campaign_decl then return end
  local codes = {}
  for code in pairs(E.campaign_decl.periods) do codes[#codes + 1] = code end
  table.sort(codes)
  local seen, stop = {}, false
  local function run(period, unit_facts, person_facts)
    if stop then return end
    local members = {
      { code = "PROBE-1", is_head = true, facts = person_facts },
      { code = "PROBE-2", is_head = false, facts = person_facts },
    }
    local ok, err = pcall(evaluate_group, period, { code = "PROBE", name = "", kind = "office",
      facts = unit_facts }, members)
    if ok then return end
    err = tostring(err)
    if not seen[err] then
      seen[err] = true
      problems[#problems + 1] = err
    end
    stop = host.exhausted() or #problems >= PROBE_PROBLEMS_MAX
  end
  for _, code in ipairs(codes) do
    local period = E.campaign_decl.periods[code]
    run(period, sample_facts("unit"), sample_facts("person"))
    run(period, {}, {})
    for _, name in ipairs(fact_order) do
      local d = facts[name]
      for _, v in ipairs(boundary_values(d)) do
        local unit_facts, person_facts = sample_facts("unit"), sample_facts("person")
        local changed = d.subject == "unit" and unit_facts or person_facts
        if v == ABSENT then changed[name] = nil else changed[name] = v end
        run(period, unit_facts, person_facts)
      end
    end
  end
end

E.run_tests = run_tests
E.probe = probe
