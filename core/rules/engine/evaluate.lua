--[[
engine/evaluate.lua — evaluation and fact validation.

It owns the evaluation of a unit with its members for a period (evaluate_group), in the
order the plan needs:

  1. each member: criteria, then person titles in dependency order;
  2. the unit: criteria, then unit titles (they see the members' titles from step 1);
  3. "late" person criteria (a criterion with `after`, e.g. CN7: the head's unit must be
     TTLDXS) for the members they apply to, whose titles are then decided again; if a
     member's titles changed (a head lost LDTT), step 2 again over the members' final
     titles, then step 3 again, until nothing changes (a fixed point: titles only fall);
  4. nominations (GIAY_KHEN, BANG_KHEN) for the unit and its members.

So a unit's shares count its members' final titles (after CN7): a unit of 10 that reaches
70 % only with its head's LDTT, and is not TTLDXS, loses its head's LDTT and so TTLDTT.

The loops over the engine's own lists are numeric (ipairs calls into C at every step, and
these run for each of a province's 50,000 people); a list a rule returned keeps ipairs.

Also here: what rules see while they run (the facts view, ctx and its methods), the public
shape of an evaluation (to_public, with the key order a JSON writer may keep), the period
lookup, and fact validation (validate_facts).
--]]

local E, host = ...

local null = host.null
local sfmt = string.format
local tconcat, tsort = table.concat, table.sort
local mtype = math.type
local type, pairs, ipairs, tostring, error = type, pairs, ipairs, tostring, error
local setmetatable, next = setmetatable, next

local array, SUBJECTS = E.array, E.SUBJECTS
local facts, criteria, titles, nominations = E.facts, E.criteria, E.titles, E.nominations
local criterion_order, title_order, nomination_order =
  E.criterion_order, E.title_order, E.nomination_order
local title_sequence, early_criteria, late_criteria =
  E.title_sequence, E.early_criteria, E.late_criteria

-- The key order of the public tables (to_public), for a JSON writer that keeps it: each
-- metatable's __order lists the keys. Today's C writer walks the tables with lua_next and
-- ignores it. Hidden like every engine metatable (rules never get these tables anyway).
local evaluation_mt = { __order = { "period", "subject", "code", "name", "unit_code", "is_head",
  "score", "rules_hash", "criteria", "titles", "nominations" }, __metatable = false }
local criterion_mt = { __order = { "id", "title", "passed", "applicable", "points",
  "max_points", "reason" }, __metatable = false }
local title_mt = { __order = { "code", "name", "decided_by", "eligible", "reasons" },
  __metatable = false }
local nomination_mt = { __order = { "code", "name", "decided_by", "eligible", "reasons" },
  __metatable = false }

---------------------------------------------------------------------------------------------
-- Evaluation

local function fact_error(kind, name, level)
  error(sfmt('chỉ tiêu "%s" chưa được khai báo cho %s (fact "%s" { ... } trong facts.lua)',
    tostring(name), SUBJECTS[kind] or kind, tostring(name)), level)
end

-- A subject's facts as rules see them: an empty table that reads through to a copy of the
-- reported values, whose own metatable answers only for what is absent: nil for a declared
-- fact not reported, an error for a name no fact declares. Every assignment reaches the
-- empty table, so every assignment is an error, a reported fact's too (issue 9, finding 5:
-- `f.response_plan = false` used to land in the copy and later criteria saw it). pairs()
-- walks the reported values; the metatable is hidden, so rawset cannot reach the copy.
local function read_only_fact()
  error("chỉ tiêu (facts) chỉ được đọc", 2)
end

local absent_mt = {}
for kind in pairs(SUBJECTS) do
  absent_mt[kind] = {
    __index = function(_, name)
      local d = facts[name]
      if not d or d.subject ~= kind then fact_error(kind, name, 3) end
      return nil
    end,
    __metatable = false,
  }
end

-- A result's tables are made with room for what they will hold (host.new_table), not grown
-- key by key: how many facts, criteria and titles each kind of subject has, counted at the
-- first evaluation (the declarations are complete by then; a count is only a size hint).
local new_table = host.new_table
local counts = {} -- declarations table -> kind -> how many

local function count_of(decls, kind)
  local by_kind = counts[decls]
  if not by_kind then
    by_kind = {}
    counts[decls] = by_kind
  end
  local n = by_kind[kind]
  if not n then
    n = 0
    for _, d in pairs(decls) do
      if d.subject == kind then n = n + 1 end
    end
    by_kind[kind] = n
  end
  return n
end

local function facts_view(kind, values)
  local copy = new_table(count_of(facts, kind))
  for name, v in next, values do
    if v ~= null then copy[name] = v end
  end
  setmetatable(copy, absent_mt[kind])
  return setmetatable({}, {
    __index = copy,
    __newindex = read_only_fact,
    __pairs = function() return next, copy, nil end,
    __metatable = false,
  })
end

-- Where the rule being run was declared: C names it when memory runs out, since an
-- allocation failure carries no position of its own (M.running_rule). Reassigned on every
-- check, so it lives in E.
E.running = ""

-- Shared by every check that gives no reason: never appended to.
local NO_REASONS = array()

-- Calls a rule's function: says which rule runs (host.running) and counts its instructions
-- against the evaluation's budget, which the engine's own code does not spend.
local call_rule = host.call_rule

-- Runs a check and normalises its answer to ok, reasons.
local function run_check(fn, s, f, ctx, at)
  E.running = at
  local ok, why = call_rule(at, fn, s, f, ctx)
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

-- ctx:held(code, years_back) -> whether the subject held title or nomination `code` in the
-- campaign year minus years_back (1 = last year): from the titles imported for the years
-- before the system and the stored year-end results of earlier years. `code` may be a
-- title of an earlier ruleset, so it is not checked against this year's titles.
function ctx_methods:held(code, years_back)
  local st = state_of(self)
  if type(code) ~= "string" then error("ctx:held: the title code must be a string", 2) end
  years_back = years_back or 1
  if mtype(years_back) ~= "integer" or years_back < 1 then
    error("ctx:held: years_back must be a whole number of years, 1 or more", 2)
  end
  local year = tostring((st.year or 0) - years_back)
  local held = st.history and st.history[year]
  if type(held) ~= "table" then return false end
  for _, c in ipairs(held) do
    if c == code then return true end
  end
  return false
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

-- The unit's members; the error points `level` frames up (default: the rule calling the
-- method that called this).
local function members_of(self, name, level)
  local st = state_of(self)
  if not st.members then error("ctx:" .. name .. "() is for unit rules only", level or 3) end
  return st.members
end

function ctx_methods:members()
  return members_of(self, "members")
end

function ctx_methods:member_count()
  return #members_of(self, "member_count")
end

-- How many members hold a title; `what` names the method in errors, which point at the
-- rule that called it (level 3: the rule, above the method, above this function).
local function count_title(self, code, what)
  local members = members_of(self, what, 4)
  if not titles[code] then error(sfmt('ctx:%s: unknown title "%s"', what, tostring(code)), 3) end
  local n = 0
  for i = 1, #members do
    local m = members[i]
    if m.titles[code] then n = n + 1 end
  end
  return n, #members
end

function ctx_methods:count(code)
  return (count_title(self, code, "count"))
end

function ctx_methods:share(code)
  local n, total = count_title(self, code, "share")
  if total == 0 then return 0 end
  return n / total
end

function ctx_methods:count_where(fn)
  local members = members_of(self, "count_where")
  local n = 0
  for i = 1, #members do
    local m = members[i]
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
  local subject = new_table(5)
  for k, v in next, info do subject[k] = v end
  local values = input.facts or {}
  local ctx = setmetatable({ subject = kind, period = period.code, period_kind = period.kind },
    ctx_mt)
  local held = count_of(titles, kind)
  local r = { kind = kind, info = info, subject = subject, values = values,
    facts = facts_view(kind, values), criteria = new_table(count_of(criteria, kind)),
    titles = new_table(held), reasons = new_table(held + #nomination_order),
    nominations = new_table(#nomination_order), ctx = ctx }
  local campaign_decl = E.campaign_decl
  r.state = { result = r, history = input.history, year = campaign_decl and campaign_decl.year }
  ctx_state[ctx] = r.state
  return r
end

local function eval_criterion(r, c)
  local applicable = true
  if c.applies then
    E.running = c.at
    applicable = call_rule(c.at, c.applies, r.subject, r.facts, r.ctx) == true
  end
  local passed, reasons = false, nil
  if applicable then passed, reasons = run_check(c.check, r.subject, r.facts, r.ctx, c.at) end
  -- This table becomes the criterion's public entry (to_public), hence its metatable; it is
  -- made whole at once (Lua sizes a table by its constructor: no rehash when filled later).
  r.criteria[c.id] = setmetatable({ id = c.id, title = c.title, passed = passed,
    applicable = applicable, points = (applicable and passed) and c.points or 0,
    max_points = c.points,
    reason = (not passed and applicable) and (reasons[1] or "Không đạt") or null }, criterion_mt)
end

local function eval_titles(r)
  local sequence = title_sequence[r.kind]
  for i = 1, #sequence do
    local t = sequence[i]
    local ok, reasons = true, array()
    local requires = t.requires
    for j = 1, #requires do
      local cid = requires[j]
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
        for j = 1, #why do reasons[#reasons + 1] = why[j] end
        if #why == 0 then reasons[#reasons + 1] = "Không đạt điều kiện của danh hiệu" end
      elseif ok then
        for j = 1, #why do reasons[#reasons + 1] = why[j] end
      end
    end
    r.titles[t.code] = ok
    r.reasons[t.code] = reasons
  end
end

local function eval_nominations(r)
  for i = 1, #nomination_order do
    local code = nomination_order[i]
    local n = nominations[code]
    if n.subjects[r.kind] then
      local ok, why = run_check(n.check, r.subject, r.facts, r.ctx, n.at)
      r.nominations[code] = ok
      r.reasons[code] = why
    end
  end
end

local function member_view(r)
  local passed = new_table(count_of(criteria, r.kind))
  for id, c in pairs(r.criteria) do
    if c.applicable and c.passed then passed[id] = true end
  end
  local held = new_table(count_of(titles, r.kind))
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

-- Each member: criteria without `after`, then titles (step 1).
local function evaluate_members(period, member_inputs)
  local people = {}
  for i = 1, #member_inputs do
    local m = member_inputs[i]
    local r = new_result("person", m, period)
    people[i] = r
    local person_criteria = early_criteria.person
    for j = 1, #person_criteria do eval_criterion(r, person_criteria[j]) end
    eval_titles(r)
  end
  return people
end

-- The unit's criteria and titles over its members' titles as they stand (step 2); returns
-- what persons' rules see of the unit (ctx:unit()), with the reasons of the titles it
-- missed, so a head's CN7 can say why the unit is not TTLDXS.
local function evaluate_unit_over(unit, people)
  local members = {}
  for i = 1, #people do members[i] = member_view(people[i]) end
  unit.state.members = members
  local unit_criteria = early_criteria.unit
  for i = 1, #unit_criteria do eval_criterion(unit, unit_criteria[i]) end
  eval_titles(unit)
  local held, reasons = {}, {}
  for code, ok in pairs(unit.titles) do
    if ok then held[code] = true end
    reasons[code] = E.copy(unit.reasons[code] or {})
  end
  return { code = unit.info.code, name = unit.info.name, facts = unit.facts, titles = held,
    reasons = reasons }
end

-- The titles a result holds, as one comparable string.
local function held_titles(r)
  local held = {}
  for code, ok in pairs(r.titles) do
    if ok then held[#held + 1] = code end
  end
  tsort(held)
  return tconcat(held, ",")
end

-- Step 3 for every member: the late criteria (CN7) against the unit as it stands, then
-- titles again where one applies. True when some member's titles changed.
local function decide_late(people, unit_view)
  local changed = false
  for i = 1, #people do
    local r = people[i]
    r.state.unit_view = unit_view
    if #late_criteria > 0 then
      local any = false
      for j = 1, #late_criteria do
        local c = late_criteria[j]
        eval_criterion(r, c)
        any = any or r.criteria[c.id].applicable
      end
      if any then
        local before = held_titles(r)
        eval_titles(r)
        changed = changed or held_titles(r) ~= before
      end
    end
  end
  return changed
end

-- Evaluates a unit (may be nil: a lone person) with its members for a period.
--
-- The head/unit circle (CN7: a head's LDTT needs the unit's TTLDXS; the unit's 70 % counts
-- the members' LDTT) is solved as a fixed point: members' titles (without CN7), the unit's,
-- CN7, then, whenever a member's titles changed, the unit's titles again over them and CN7
-- again, until nothing changes. Titles only fall from one round to the next (a late
-- criterion can only take a title away, and a unit's titles only need members' titles), so
-- the loop ends; the bound below stops a ruleset whose titles would not settle.
local function evaluate_group(period, unit_input, member_inputs)
  E.activate_period(period)
  local people = evaluate_members(period, member_inputs)
  local unit
  local unit_view = { code = "", name = "", facts = facts_view("unit", {}), titles = {},
    reasons = {} }
  if unit_input then
    unit = new_result("unit", unit_input, period)
    unit_view = evaluate_unit_over(unit, people)
  end
  local rounds = 0
  while decide_late(people, unit_view) and unit do
    rounds = rounds + 1
    if rounds > #people * #title_sequence.person + 1 then
      error(sfmt("the titles of unit %s do not settle: its titles and its members' keep "
        .. "changing each other", unit.info.code), 0)
    end
    unit_view = evaluate_unit_over(unit, people)
  end
  for i = 1, #people do
    local r = people[i]
    eval_nominations(r)
    r.score = score_of(r)
  end
  if unit then
    eval_nominations(unit)
    unit.score = score_of(unit)
  end
  return unit, people
end

-- The public shape of an evaluation: period, subject, code, name, score, rules_hash,
-- criteria [{id, title, passed, points, reason}], titles and nominations
-- [{code, name, eligible, reasons}]. Other systems rely on these names.
local function to_public(r, period)
  local person = r.kind == "person"
  -- Made whole at once (no rehash as fields are added); criteria, titles and nominations
  -- are filled in below.
  local out = setmetatable({ period = period.code, subject = r.kind, code = r.info.code,
    score = r.score, name = person and r.info.full_name or r.info.name,
    unit_code = person and r.info.unit_code or nil, is_head = nil,
    criteria = false, titles = false, nominations = false }, evaluation_mt)
  if person then out.is_head = r.info.is_head end
  local crit = array()
  for i = 1, #criterion_order do
    local id = criterion_order[i]
    local d = criteria[id]
    local c = r.criteria[id]
    if d.subject == r.kind and c then
      -- The result table itself is the public entry: one table less per criterion.
      crit[#crit + 1] = c
    end
  end
  out.criteria = crit
  local tl = array()
  for i = 1, #title_order do
    local code = title_order[i]
    local t = titles[code]
    if t.subject == r.kind then
      tl[#tl + 1] = setmetatable({ code = code, name = t.name, decided_by = t.decided_by,
        eligible = r.titles[code] == true, reasons = r.reasons[code] or array() }, title_mt)
    end
  end
  out.titles = tl
  local nl = array()
  for i = 1, #nomination_order do
    local code = nomination_order[i]
    local n = nominations[code]
    if r.nominations[code] ~= nil then
      nl[#nl + 1] = setmetatable({ code = code, name = n.name, decided_by = n.decided_by,
        eligible = r.nominations[code], reasons = r.reasons[code] or array() }, nomination_mt)
    end
  end
  out.nominations = nl
  return out
end

local function find_period(code)
  local campaign_decl = E.campaign_decl
  local p = campaign_decl and campaign_decl.periods[code]
  if not p then error(sfmt('unknown period "%s"', tostring(code)), 0) end
  return p
end

---------------------------------------------------------------------------------------------
-- Fact validation: every problem, in declaration order, with a Vietnamese message.

-- context ({ period, subject = { code, hired_on } }, or nil) lets the ruleset's fact_check
-- declarations (engine/fact_checks.lua) judge the facts against the subject's record and the
-- period, once the types are right.
local function validate_facts(kind, values, context)
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
        elseif not utf8.len(v) then
          add(name, "%s: không phải văn bản UTF-8 hợp lệ", d.label)
        elseif d.max_length and utf8.len(v) > d.max_length then
          add(name, "%s: dài quá %d ký tự", d.label, d.max_length)
        end
      end
    end
  end
  if #details == 0 then E.run_fact_checks(kind, values, context, details) end
  return details
end

E.evaluate_group = evaluate_group
E.facts_view = facts_view
E.to_public = to_public
E.find_period = find_period
E.validate_facts = validate_facts
