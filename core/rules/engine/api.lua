--[[
engine/api.lua — what C calls (core/rules/load.c and generation.c): the last chunk of the rule engine's Lua half, which
builds and returns M, the table C keeps in the registry.

The engine is compiled into thiduad and run first in every rules generation (a fresh
sandboxed lua_State; see core/rules/load.c). It owns the rules DSL (campaign, fact, criterion, title,
nomination, test), the checks made on a ruleset once its files have run (references,
dependency order, cycles), fact validation, and the evaluation of a unit with its members
(the order is explained in engine/evaluate.lua). Its chunks, in the order C runs them:

  engine/dsl.lua       shared helpers, the declarations and the DSL, the rules' environment
  engine/versions.lua  effective dates (`valid`): versions of a rule, their checks, the
                       version for a period (by its end date)
  engine/fact_checks.lua  `fact_check`: facts judged with the subject's record and the period
  engine/source.lua    the rule files' text: lines of table keys, fact names read by rules
  engine/campaign.lua  campaign { ... }: its checks and the calendar
  engine/checks.lua    the checks once every file has run (finish)
  engine/evaluate.lua  evaluation, the public shape of an evaluation, fact validation
  engine/remind.lua    working days, quiet hours and the reminder pass
  engine/selftest.lua  the self-tests (run_tests) and the dry run (probe)
  engine/api.lua       this file: M

C creates one table E, the engine's shared internals, and calls each chunk with (E, host);
chunks share state only through E (a table is aliased by a local where it is never
replaced; a value that is reassigned, like E.campaign_decl, E.running or E.in_tests, is
always read through E). This chunk returns M. `host` holds: where(level) -> "file:line",
exhausted() (the budget or memory cap was hit), array_mt (marks a table as a JSON array),
null (JSON null), thidua (the rules' module), function_info(fn) (core/rules/introspect.c).
--]]

local E, host = ...

local null = host.null
local sfmt = string.format
local tsort = table.sort
local pairs, ipairs = pairs, ipairs

local array, copy, problems = E.array, E.copy, E.problems
local rule_env, finish, freeze_environment, probe =
  E.rule_env, E.finish, E.freeze_environment, E.probe
local run_tests, evaluate_group, to_public, find_period, validate_facts =
  E.run_tests, E.evaluate_group, E.to_public, E.find_period, E.validate_facts
local facts, fact_order = E.facts, E.fact_order
local criteria, criterion_order = E.criteria, E.criterion_order
local titles, title_order = E.titles, E.title_order
local nominations, nomination_order = E.nominations, E.nomination_order
local tests = E.tests

---------------------------------------------------------------------------------------------
-- What C calls (core/rules/load.c, generation.c).

local M = {}

M.env = rule_env

-- with_probe false: the dry run is left out. The daemon builds the generation it serves
-- without it (and without the self-tests) once a throwaway process has run both
-- (core/rules/process.c), so no rule has run before the first evaluation.
function M.finish(with_probe)
  if #problems == 0 then finish() end
  if #problems == 0 then
    E.check_prizes()
    E.check_versions()
    E.check_fact_checks()
  end
  freeze_environment()
  if #problems == 0 and with_probe ~= false then probe() end
  E.forget_sources()
  return array(problems)
end

-- C hands each rule file's text over before running it (engine/source.lua reads it).
M.remember_source = E.remember_source

M.run_tests = run_tests

function M.begin_tests()
  E.in_tests = true
end

function M.running_rule()
  return E.running
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

-- The periods whose reminders may ask for something at `now` ("YYYY-MM-DDTHH:MM", local),
-- and the Department Office's unit code: C reads only what the pass needs.
M.reminder_periods = E.reminder_periods
-- Every deadline: [{id, kind, period, label, due, effective_due}] (a due date on a day off
-- ends at the end of the next working day: effective_due).
M.deadlines = E.deadlines
-- The messages the reminders ask for at input.now (see engine/remind.lua).
M.plan_reminders = E.plan_reminders

function M.periods()
  local out = array()
  local codes = {}
  local campaign_decl = E.campaign_decl
  for code in pairs(campaign_decl.periods) do codes[#codes + 1] = code end
  tsort(codes)
  for _, code in ipairs(codes) do
    local p = campaign_decl.periods[code]
    out[#out + 1] = { code = code, label = p.label, from = p.from, to = p.to,
      report_due = p.report_due, effective_due = E.effective_due(p.report_due), kind = p.kind }
  end
  return out
end

-- The latest period: the one whose versions of the rules the catalog shows.
local function latest_period()
  local latest
  for _, p in pairs(E.campaign_decl.periods) do
    if not latest or p.to > latest.to then latest = p end
  end
  return latest
end

function M.catalog()
  local c = E.campaign_decl
  E.activate_period(latest_period())
  local out = { campaign = { year = c.year, name = c.name, theme = c.theme, contents = c.contents,
    registration_due = c.registration_due or null, holidays = c.holidays },
    periods = M.periods(), facts = array(), criteria = array(), titles = array(),
    nominations = array(), reminders = array() }
  for _, name in ipairs(fact_order) do
    local d = facts[name]
    out.facts[#out.facts + 1] = { name = name, subject = d.subject, type = d.type,
      label = d.label, min = d.min or null, max = d.max or null,
      values = d.values and array(copy(d.values)) or null, optional = d.optional }
  end
  for _, id in ipairs(criterion_order) do
    local d = criteria[id]
    out.criteria[#out.criteria + 1] = { id = id, subject = d.subject, title = d.title,
      points = d.points, versions = E.versions_of("criterion", id) }
  end
  for _, code in ipairs(title_order) do
    local t = titles[code]
    out.titles[#out.titles + 1] = { code = code, subject = t.subject, name = t.name,
      decided_by = t.decided_by, requires = array(copy(t.requires)), after = array(copy(t.after)),
      versions = E.versions_of("title", code) }
  end
  for _, code in ipairs(nomination_order) do
    local n = nominations[code]
    local subjects = array()
    for _, s in ipairs({ "unit", "person" }) do
      if n.subjects[s] then subjects[#subjects + 1] = s end
    end
    out.nominations[#out.nominations + 1] = { code = code, name = n.name,
      decided_by = n.decided_by, subjects = subjects, versions = E.versions_of("nomination", code) }
  end
  for _, id in ipairs(E.reminder_order) do
    local r = E.reminders[id]
    out.reminders[#out.reminders + 1] = { id = id, deadline = r.deadline,
      before = array(copy(r.before)), on_day = r.on_day, overdue_every = r.overdue_every or null,
      escalate_after = r.escalate_after or null, stop_after = r.stop_after,
      channels = array(copy(r.channels)) }
  end
  out.campaign.base_salary = c.base_salary and { amount = c.base_salary.amount,
    from = c.base_salary.from or null, source = c.base_salary.source } or null
  out.prizes = array()
  for _, p in ipairs(c.prizes or {}) do
    out.prizes[#out.prizes + 1] = { title = p.title, subject = p.subject, multiple = p.multiple,
      source = p.source }
  end
  out.campaign.office = c.office or null
  out.campaign.send_time = c.send_time
  out.campaign.quiet_hours = { from = c.quiet_hours.from, to = c.quiet_hours.to }
  -- The weekend as ISO days (1 = Monday): with holidays, what a report counts working days by.
  out.campaign.weekend = array()
  for day = 1, 7 do
    if c.weekend[day] then out.campaign.weekend[#out.campaign.weekend + 1] = day end
  end
  return out
end

function M.summary()
  local count = function(t) local n = 0; for _ in pairs(t) do n = n + 1 end; return n end
  local campaign_decl = E.campaign_decl
  return sfmt("%d facts, %d criteria, %d titles, %d nominations, %d reminders, %d periods, %d tests",
    #fact_order, #criterion_order, #title_order, #nomination_order, #E.reminder_order,
    campaign_decl and count(campaign_decl.periods) or 0, #tests)
end

return M
