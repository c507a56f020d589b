--[[
engine/remind.lua — the calendar and the reminder pass: which messages the ruleset's
reminders ask for at a given moment, to whom, on which channel, and when each may go out.

Working days are the campaign's: not a weekend day (campaign.weekend, ISO days, Saturday
and Sunday unless said otherwise) and not one of campaign.holidays. A deadline that falls on
a day off ends at the end of the next working day (Bộ luật Dân sự 2015, Điều 148 khoản 4:
"Khi ngày cuối cùng của thời hạn là ngày nghỉ cuối tuần hoặc ngày nghỉ lễ thì thời hạn kết
thúc tại thời điểm kết thúc ngày làm việc tiếp theo ngày nghỉ đó"), so reminders count from
that effective due date. A step that lands on a day off moves to the next working day, and
nothing goes out in the quiet hours (campaign.quiet_hours, 21:00–07:00 by default).

A reminder names its deadline: "report" (each period's report_due) or "registration" (the
campaign's registration_due, đăng ký thi đua). For each reminder, each unit that still owes
something (no report, required facts missing, members without facts; or no registration)
gets at most one regular step at a time — the latest whose
day has come: "-7", "-3", "-1" (days before), "0" (the due day), "+2", "+4", ... (working
days late) — and, once escalate_after working days have passed, the step "escalate" to the
unit's head with a copy to the Department Office (campaign.office). Nothing is asked for
after stop_after working days. Older steps that were never sent (the daemon was down) are
not sent late: the outbox's idempotency key (recipient, deadline, step, channel) keeps every
step to one message however often the pass runs.
--]]

local E, host = ...

local null = host.null
local sfmt = string.format
local ostime, osdate = os.time, os.date
local type, ipairs, tonumber, tostring, error = type, ipairs, tonumber, tostring, error

local array = E.array
local facts, fact_order = E.facts, E.fact_order
local reminders, reminder_order = E.reminders, E.reminder_order

local DAY = 86400
local CHANNEL_ALWAYS_ON = "log" -- the daemon's own log: the demo shows reminders with nothing set up

---------------------------------------------------------------------------------------------
-- Dates (YYYY-MM-DD) and working days.

local function to_time(date)
  local y, m, d = date:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)")
  if not y then error(sfmt('not a date: "%s"', tostring(date)), 0) end
  return ostime({ year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12 })
end

local function add_days(date, n)
  return osdate("%Y-%m-%d", to_time(date) + n * DAY)
end

local function holiday_of(date)
  for _, h in ipairs(E.campaign_decl.holidays) do
    if date >= h.from and date <= h.to then return h end
  end
  return nil
end

local function working_day(date)
  local weekday = tonumber(osdate("%u", to_time(date)))
  return not E.campaign_decl.weekend[weekday] and holiday_of(date) == nil
end

-- The date itself when it is a working day, else the next one.
local function next_working_day(date)
  for _ = 1, 366 do
    if working_day(date) then return date end
    date = add_days(date, 1)
  end
  error("no working day within a year of " .. date, 0)
end

-- n working days after date.
local function add_working_days(date, n)
  for _ = 1, n do date = next_working_day(add_days(date, 1)) end
  return date
end

-- Working days after `from` up to and including `to` (0 when to <= from).
local function working_days_between(from, to)
  local n = 0
  while from < to do
    from = add_days(from, 1)
    if working_day(from) then n = n + 1 end
  end
  return n
end

-- Bộ luật Dân sự 2015, Điều 148 khoản 4: a deadline on a day off moves to the next working day.
local function effective_due(due)
  return next_working_day(due)
end

local function in_quiet_hours(hhmm)
  local q = E.campaign_decl.quiet_hours
  if q.from > q.to then return hhmm >= q.from or hhmm < q.to end
  return hhmm >= q.from and hhmm < q.to
end

-- The first moment at or after (date, hhmm) when a message may go out: a working day,
-- outside the quiet hours.
local function allowed_moment(date, hhmm)
  local q = E.campaign_decl.quiet_hours
  for _ = 1, 400 do
    if not working_day(date) then
      date, hhmm = next_working_day(date), E.campaign_decl.send_time
    elseif in_quiet_hours(hhmm) then
      if q.from > q.to and hhmm >= q.from then date = add_days(date, 1) end
      hhmm = q.to
    else
      return date, hhmm
    end
  end
  error("no moment to send within a year of " .. date, 0)
end

local function vn_date(date)
  return sfmt("%s/%s/%s", date:sub(9, 10), date:sub(6, 7), date:sub(1, 4))
end

E.working_day, E.next_working_day, E.add_working_days = working_day, next_working_day,
  add_working_days
E.effective_due, E.allowed_moment = effective_due, allowed_moment

---------------------------------------------------------------------------------------------
-- Steps.

-- Every regular step of a reminder for a due date: {step, day, order}.
local function steps_of(rem, due)
  local list = {}
  for _, d in ipairs(rem.before) do
    local day = next_working_day(add_days(due, -d))
    if day < due then list[#list + 1] = { step = "-" .. d, day = day, order = -d, before = d } end
  end
  if rem.on_day then list[#list + 1] = { step = "0", day = due, order = 0 } end
  if rem.overdue_every then
    local k = rem.overdue_every
    while k <= rem.stop_after do
      list[#list + 1] = { step = "+" .. k, day = add_working_days(due, k), order = k }
      k = k + rem.overdue_every
    end
  end
  return list
end

-- The latest step whose day has come (or nil), and the day of the step after it.
local function current_step(rem, due, today)
  local best, following
  for _, s in ipairs(steps_of(rem, due)) do
    if s.day <= today and (not best or s.day > best.day or (s.day == best.day and s.order > best.order)) then
      best = s
    end
  end
  for _, s in ipairs(steps_of(rem, due)) do
    if s.day > today and (not following or s.day < following) then following = s.day end
  end
  if best then best.until_day = following end
  return best
end

-- The days a reminder may ask for something: from its first step to stop_after days late.
local function window_of(rem, due)
  local first = due
  for _, d in ipairs(rem.before) do
    local day = next_working_day(add_days(due, -d))
    if day < first then first = day end
  end
  return first, add_working_days(due, rem.stop_after)
end

---------------------------------------------------------------------------------------------
-- The pass.

local function reminders_of(deadline)
  local out = {}
  for _, id in ipairs(reminder_order) do
    if reminders[id].deadline == deadline then out[#out + 1] = reminders[id] end
  end
  return out
end

-- Whether a reminder of `deadline` may ask for something on `today` for a due date.
local function in_window(deadline, due, today)
  for _, rem in ipairs(reminders_of(deadline)) do
    local first, last = window_of(rem, due)
    if today >= first and today <= last then return true end
  end
  return false
end

-- What may ask for something on `today`: the periods whose report reminders are in their
-- window, whether the registration reminders are, and the Office's code.
local function active_periods(now)
  local today = now:sub(1, 10)
  local codes = array()
  local c = E.campaign_decl
  local sorted = {}
  for code in pairs(c.periods) do sorted[#sorted + 1] = code end
  table.sort(sorted)
  for _, code in ipairs(sorted) do
    if in_window("report", effective_due(c.periods[code].report_due), today) then
      codes[#codes + 1] = code
    end
  end
  local registration = c.registration_due ~= nil
    and in_window("registration", effective_due(c.registration_due), today)
  return { periods = codes, registration = registration, office = c.office or null }
end

-- What a unit still owes: (owes, missing fact labels, names of members without facts).
-- For the registration, only the registration itself.
local function owed_by(unit, deadline)
  if deadline == "registration" then
    return unit.registered_at == nil or unit.registered_at == null, array(), array(), 0
  end
  local missing, people = array(), array()
  local reported = type(unit.facts) == "table" and unit.facts or {}
  for _, name in ipairs(fact_order) do
    local d = facts[name]
    if d.subject == "unit" and not d.optional and reported[name] == nil then
      missing[#missing + 1] = d.label
    end
  end
  for _, m in ipairs(unit.members or {}) do
    if not m.has_facts then people[#people + 1] = m.full_name end
  end
  -- The store names the first few members without facts and counts them all.
  local without = math.max(tonumber(unit.without_facts) or 0, #people)
  return unit.submitted ~= true or #missing > 0 or without > 0, missing, people, without
end

local function address_for(channel, contact)
  if channel == "email" then return contact.email end
  if channel == "sms" or channel == "zalo" then return contact.phone end
  return contact.code
end

-- The channels of a reminder that are on; the log when none is.
local function channels_on(rem, on)
  local out = {}
  for _, c in ipairs(rem.channels) do
    if on[c] then out[#out + 1] = c end
  end
  if #out == 0 then out[1] = CHANNEL_ALWAYS_ON end
  return out
end

local function call_text(rem, fn, r, what)
  E.running = rem.at
  local text = host.call_rule(rem.at, fn, r)
  E.running = nil
  if type(text) ~= "string" or text == "" then
    error(sfmt("%s: reminder \"%s\": %s must return the text (a string)", rem.at, rem.id, what), 0)
  end
  return text
end

-- The messages of one step to one recipient, a message per channel.
-- When a step's messages go out (the same for every unit: computed once).
local function moment_of(ctx, step)
  if step.send_date then return step.send_date, step.send_hhmm end
  local date, hhmm = step.day, E.campaign_decl.send_time
  if date < ctx.today or (date == ctx.today and hhmm < ctx.now_hhmm) then
    date, hhmm = ctx.today, ctx.now_hhmm
  end
  step.send_date, step.send_hhmm = allowed_moment(date, hhmm)
  return step.send_date, step.send_hhmm
end

local function messages_for(ctx, step, recipient, role, out)
  local rem, unit = ctx.rem, ctx.unit
  local date, hhmm = moment_of(ctx, step)
  -- Pushed past quiet hours and days off onto the next step's day: that step speaks instead.
  if step.until_day and date >= step.until_day then return end
  -- "còn N ngày" counts from the day the message goes out, not from the step's name.
  local days_left = step.before and math.floor((to_time(ctx.due) - to_time(date)) / DAY + 0.5)
  local r = { unit = { code = unit.code, name = unit.name }, recipient = role,
    recipient_name = recipient.name or recipient.full_name or "",
    deadline = rem.deadline, period = ctx.period, year = E.campaign_decl.year,
    due = vn_date(ctx.due), due_iso = ctx.due,
    step = step.step, days_left = days_left, days_late = ctx.days_late,
    missing_facts = ctx.missing, people_without_facts = ctx.people,
    people_without_facts_count = ctx.without, submitted = unit.submitted == true }
  local text = call_text(rem, rem.text, r, "text")
  local subject = rem.heading and call_text(rem, rem.heading, r, "heading")
    or sfmt("Nhắc %s", ctx.label)
  for _, channel in ipairs(ctx.channels) do
    local to = address_for(channel, recipient)
    if type(to) == "string" and to ~= "" then
      out[#out + 1] = { unit = unit.code, to = to, channel = channel,
        deadline = ctx.deadline, step = step.step, send_at = date .. "T" .. hhmm,
        recipient = role, subject = subject, text = text }
    end
  end
end

local function plan_unit(ctx, unit, office, out)
  local owes, missing, people, without = owed_by(unit, ctx.rem.deadline)
  if not owes then return end
  ctx.unit, ctx.missing, ctx.people, ctx.without = unit, missing, people, without
  if ctx.step then messages_for(ctx, ctx.step, unit, "unit", out) end
  local esc = ctx.escalation
  if esc then
    if type(unit.head) == "table" then messages_for(ctx, esc, unit.head, "head", out) end
    if type(office) == "table" and office.code ~= unit.code then
      messages_for(ctx, esc, office, "office", out)
    end
  end
end

-- What is the same for every unit of one reminder and period: the step that speaks, the
-- escalation, the working days late (the calendar is the expensive part of the pass).
local function plan_steps(ctx)
  local rem = ctx.rem
  ctx.days_late = working_days_between(ctx.due, ctx.today)
  ctx.step = current_step(rem, ctx.due, ctx.today)
  ctx.escalation = nil
  if rem.escalate_after then
    local day = add_working_days(ctx.due, rem.escalate_after)
    if ctx.today >= day then ctx.escalation = { step = "escalate", day = day } end
  end
end

-- One deadline's reminders over its units (ctx.due, ctx.deadline, ctx.label, ctx.period set).
local function plan_deadline(ctx, kind, units, input, on, out)
  for _, rem in ipairs(reminders_of(kind)) do
    local first, last = window_of(rem, ctx.due)
    if ctx.today >= first and ctx.today <= last then
      ctx.rem, ctx.channels = rem, channels_on(rem, on)
      plan_steps(ctx)
      for _, unit in ipairs(units) do plan_unit(ctx, unit, input.office, out) end
    end
  end
end

-- input: { now = "YYYY-MM-DDTHH:MM", channels = {names on}, office = contact | nil,
--   periods = { [code] = { units = [{code, name, email, phone, submitted, facts, head,
--   members = [{code, full_name, has_facts}]}] } },
--   registration = { units = [{code, name, email, phone, registered_at | null, head}] } }
local function plan(input)
  local now = input.now
  local ctx = { today = now:sub(1, 10), now_hhmm = now:sub(12, 16) }
  local on = {}
  for _, c in ipairs(input.channels or {}) do on[c] = true end
  local out = array()
  local c = E.campaign_decl
  local active = active_periods(now)
  for _, code in ipairs(active.periods) do
    local p = c.periods[code]
    local units = input.periods and input.periods[code] and input.periods[code].units or {}
    ctx.period, ctx.due = { code = code, label = p.label }, effective_due(p.report_due)
    ctx.deadline, ctx.label = "report:" .. code, "báo cáo: " .. p.label
    plan_deadline(ctx, "report", units, input, on, out)
  end
  if active.registration then
    local units = input.registration and input.registration.units or {}
    ctx.period, ctx.due = null, effective_due(c.registration_due)
    ctx.deadline = "registration:" .. c.year
    ctx.label = sfmt("đăng ký thi đua năm %d", c.year)
    plan_deadline(ctx, "registration", units, input, on, out)
  end
  return out
end

-- Every deadline of the campaign: the reports of each period, the registration of targets.
local function deadlines()
  local out = array()
  local c = E.campaign_decl
  local codes = {}
  for code in pairs(c.periods) do codes[#codes + 1] = code end
  table.sort(codes)
  if c.registration_due then
    out[#out + 1] = { id = "registration-" .. c.year, kind = "registration", period = null,
      label = sfmt("Đăng ký thi đua năm %d", c.year), due = c.registration_due,
      effective_due = effective_due(c.registration_due) }
  end
  for _, code in ipairs(codes) do
    local p = c.periods[code]
    out[#out + 1] = { id = "report-" .. code, kind = "report", period = code,
      label = sfmt("Báo cáo thi đua %s", p.label), due = p.report_due,
      effective_due = effective_due(p.report_due) }
  end
  return out
end

E.deadlines = deadlines
E.reminder_periods = active_periods
E.plan_reminders = plan
