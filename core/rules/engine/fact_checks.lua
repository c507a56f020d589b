--[[
engine/fact_checks.lua — checks of reported facts that need more than the fact's own
declaration: the subject's record and the period (e.g. months worked cannot exceed the
months from the hiring date to the period's end). The ruleset declares them:

  fact_check "ID" {
    subject = "person",                       -- or "unit"
    facts = { "months_worked", ... },         -- run when one of these is reported; the
                                              -- problem is placed on the first
    check = function(s, f, ctx) ... end,      -- true, or false and a Vietnamese message
  }

`s` is the subject's record ({ code, hired_on } for a person, hired_on "YYYY-MM-DD" or
nil; { code } for a unit), `f` the reported facts (read-only; nil when not given), `ctx.period`
the period ({ code, label, from, to, kind }). They run after the type checks of
engine/evaluate.lua (validate_facts), only when those found nothing, and only when the
caller names the period (a stateless evaluation without a period skips them).

It owns the `fact_check` declaration (added to the rules' environment), its checks at the
end of the load (check_fact_checks) and running them (run_fact_checks).
--]]

local E, host = ...

local sfmt = string.format
local type, pairs, ipairs, tostring = type, pairs, ipairs, tostring

local problem, SUBJECTS = E.problem, E.SUBJECTS
local null = host.null

local fact_checks = {} -- in declaration order: { at, id, subject, facts, check }
E.fact_checks = fact_checks

local function fact_check(id)
  local at = host.where(2)
  return function(spec)
    local what = sfmt('fact_check "%s"', tostring(id))
    if E.in_tests then
      problem(at, "%s: quy tắc khai báo trong các tệp của bộ quy tắc, không trong tests/", what)
      return
    end
    if type(id) ~= "string" or not id:match("^[%a_][%w_]*$") then
      problem(at, "fact_check: tên phải là một mã (chữ, số, _), không phải %s", tostring(id))
    end
    if type(spec) ~= "table" then
      problem(at, "%s: cần một bảng { ... }", what)
      return
    end
    for k in pairs(spec) do
      if k ~= "subject" and k ~= "facts" and k ~= "check" then
        problem(at, '%s: không có trường "%s"', what, tostring(k))
      end
    end
    if not SUBJECTS[spec.subject] then problem(at, '%s: subject phải là "unit" hoặc "person"', what) end
    if type(spec.check) ~= "function" then
      problem(at, "%s: thiếu check = function(s, f, ctx)", what)
    end
    if type(spec.facts) ~= "table" or #spec.facts == 0 then
      problem(at, "%s: thiếu facts = { ... } (các chỉ tiêu được kiểm tra)", what)
    end
    for _, c in ipairs(fact_checks) do
      if c.id == id then problem(at, "%s: khai báo hai lần (lần đầu tại %s)", what, c.at) end
    end
    fact_checks[#fact_checks + 1] = { at = at, id = id, subject = spec.subject,
      facts = type(spec.facts) == "table" and spec.facts or {}, check = spec.check }
  end
end
E.rule_env.fact_check = fact_check

-- Once every file has run: the facts named are declared, for the same subject.
function E.check_fact_checks()
  for _, c in ipairs(fact_checks) do
    for i, name in ipairs(c.facts) do
      local d = E.facts[name]
      if not d or d.subject ~= c.subject then
        problem(c.at, 'fact_check "%s": facts[%d] "%s" không phải chỉ tiêu đã khai báo của %s', c.id, i,
          tostring(name), tostring(c.subject))
      end
    end
  end
end

local function reported(values, names)
  for _, name in ipairs(names) do
    local v = values[name]
    if v ~= nil and v ~= null then return true end
  end
  return false
end

local function plain(v)
  if v == null then return nil end
  return v
end

-- Appends {field, message} to details for every check that fails. context is
-- { period = code, subject = { code, hired_on } } as C sends it, or nil.
function E.run_fact_checks(kind, values, context, details)
  if type(context) ~= "table" or type(context.period) ~= "string" then return end
  local p = E.campaign_decl and E.campaign_decl.periods[context.period]
  if not p then return end
  local record = type(context.subject) == "table" and context.subject or {}
  for _, c in ipairs(fact_checks) do
    if c.subject == kind and reported(values, c.facts) then
      local s = { code = tostring(plain(record.code) or ""), hired_on = plain(record.hired_on) }
      local ctx = { period = { code = p.code, label = p.label, from = p.from, to = p.to,
        kind = p.kind } }
      E.running = c.at
      local ok, why = host.call_rule(c.at, c.check, s, E.facts_view(kind, values), ctx)
      if ok ~= true then
        details[#details + 1] = { field = "facts." .. c.facts[1],
          message = type(why) == "string" and why or sfmt("Không đạt kiểm tra %s", c.id) }
      end
    end
  end
end
