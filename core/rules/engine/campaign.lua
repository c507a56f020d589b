--[[
engine/campaign.lua — the `campaign { ... }` declaration: its checks and what is kept of it
(E.campaign_decl: year, name, periods, holidays, the reminders' calendar, the points the
criteria of each subject must add up to).

Every problem is reported in Vietnamese at the line of the key or value that is wrong (read
from the source: E.key_lines), naming the period or holiday it belongs to. Dates must be
YYYY-MM-DD, inside the campaign's year and, for a period's report_due, inside the period;
`to` is never before `from`. The total of points is checked once every criterion is
declared (E.check_total_points, from engine/checks.lua).
--]]

local E, host = ...

local sfmt, mtype = string.format, math.type
local type, pairs, ipairs, tostring, next = type, pairs, ipairs, tostring, next

local array, problem, date_ok, SUBJECTS = E.array, E.problem, E.date_ok, E.SUBJECTS

local CAMPAIGN_KEYS = { year = 1, name = 1, theme = 1, contents = 1, registration_due = 1,
  periods = 1, holidays = 1, office = 1, send_time = 1, quiet_hours = 1, weekend = 1,
  total_points = 1, base_salary = 1, prizes = 1 }
local PERIOD_KEYS = { label = 1, from = 1, to = 1, report_due = 1 }
local HOLIDAY_KEYS = { from = 1, to = 1, name = 1 }

-- "2025-06-15" -> "15/06/2025".
local function shown(date)
  local y, m, d = tostring(date):match("^(%d+)%-(%d+)%-(%d+)$")
  if not y then return tostring(date) end
  return sfmt("%s/%s/%s", d, m, y)
end

local function in_year(date, year)
  return mtype(year) == "integer" and date:sub(1, 4) == sfmt("%04d", year)
end

-- Unknown keys of `spec`, each at its own line.
local function unknown_keys(place, path, what, spec, allowed, listed)
  for k in pairs(spec) do
    if not allowed[k] then
      problem(place(path .. tostring(k)), '%s: trường "%s" không có trong khai báo (chỉ dùng %s)',
        what, tostring(k), listed)
    end
  end
end

-- A date field: well formed and inside the campaign's year. Returns the date or nil.
local function date_field(place, path, what, field, value, year)
  if not date_ok(value) then
    problem(place(path .. field), '%s: %s phải là ngày dạng YYYY-MM-DD (nhận "%s")', what, field,
      tostring(value))
    return nil
  end
  if not in_year(value, year) then
    problem(place(path .. field), "%s: %s (%s) nằm ngoài năm %s của phong trào", what, field,
      shown(value), tostring(year))
  end
  return value
end

local function check_period(place, code, p, year)
  local path = "periods/" .. tostring(code) .. "/"
  local what = sfmt('kỳ "%s"', tostring(code))
  if type(code) ~= "string" or not code:match("^%d%d%d%d%-[HY]%d?$") then
    problem(place("periods/" .. tostring(code)), "%s: mã kỳ phải có dạng 2025-H1 hoặc 2025-Y", what)
    return nil
  end
  if type(p) ~= "table" then
    problem(place("periods/" .. code), "%s: phải là một bảng { label = ..., from = ..., to = ..., "
      .. "report_due = ... }", what)
    return nil
  end
  if type(p.label) == "string" then what = sfmt('kỳ "%s" (%s)', code, p.label) end
  if mtype(year) == "integer" and code:sub(1, 4) ~= sfmt("%04d", year) then
    problem(place("periods/" .. code), "%s: mã kỳ không thuộc năm %d của phong trào", what, year)
  end
  unknown_keys(place, path, what, p, PERIOD_KEYS, "label, from, to, report_due")
  local from = date_field(place, path, what, "from", p.from, year)
  local to = date_field(place, path, what, "to", p.to, year)
  local due = date_field(place, path, what, "report_due", p.report_due, year)
  if from and to and to < from then
    problem(place(path .. "to"), "%s: ngày kết thúc to (%s) trước ngày bắt đầu from (%s)", what,
      shown(to), shown(from))
  elseif from and to and due and (due < from or due > to) then
    problem(place(path .. "report_due"), "%s: hạn báo cáo report_due (%s) nằm ngoài kỳ (%s–%s)",
      what, shown(due), shown(from), shown(to))
  end
  return { code = code, label = p.label or code, from = p.from, to = p.to,
    report_due = p.report_due, kind = code:sub(6, 6) == "Y" and "Y" or code:sub(6) }
end

local function check_holiday(place, i, h, year)
  local path = sfmt("holidays/%d/", i)
  if type(h) == "string" then h = { from = h, to = h } end
  if type(h) ~= "table" then
    problem(place(sfmt("holidays/%d", i)), "ngày nghỉ thứ %d: phải là một ngày hoặc "
      .. "{ from = ..., to = ..., name = ... }", i)
    return nil
  end
  local what = type(h.name) == "string" and h.name ~= "" and sfmt('ngày nghỉ "%s"', h.name)
    or sfmt("ngày nghỉ thứ %d", i)
  unknown_keys(place, path, what, h, HOLIDAY_KEYS, "from, to, name")
  local from = date_field(place, path, what, "from", h.from, year)
  local to = from
  if h.to ~= nil then to = date_field(place, path, what, "to", h.to, year) end
  if not (from and to) then return nil end
  if to < from then
    problem(place(path .. "to"), "%s: ngày kết thúc to (%s) trước ngày bắt đầu from (%s)", what,
      shown(to), shown(from))
    return nil
  end
  return { from = from, to = to, name = h.name or "" }
end

local function check_total_points_spec(place, value)
  if value == nil then return nil end
  if type(value) ~= "table" then
    problem(place("total_points"), "campaign: total_points phải có dạng { unit = 100, person = 100 }")
    return nil
  end
  local out = {}
  for subject, total in pairs(value) do
    if not SUBJECTS[subject] then
      problem(place("total_points/" .. tostring(subject)),
        'campaign: total_points: "%s" không phải đối tượng (chỉ có unit, person)', tostring(subject))
    elseif mtype(total) ~= "integer" or total < 0 then
      problem(place("total_points/" .. subject),
        "campaign: total_points.%s phải là số điểm nguyên, không âm", subject)
    else
      out[subject] = { total = total, at = place("total_points/" .. subject) }
    end
  end
  return out
end

local function campaign(spec)
  local at = host.where(2)
  if E.in_tests then
    problem(at, "campaign: khai báo trong tests/; campaign thuộc các tệp của bộ quy tắc")
    return
  end
  if E.campaign_decl then
    problem(at, "campaign: khai báo hai lần (lần đầu tại %s)", E.campaign_decl.at)
    return
  end
  if type(spec) ~= "table" then
    problem(at, "campaign: cần một bảng { ... }")
    return
  end
  local place = E.key_lines(at)
  unknown_keys(place, "", "campaign", spec, CAMPAIGN_KEYS, "year, name, theme, contents, "
    .. "registration_due, periods, holidays, office, send_time, quiet_hours, weekend, total_points, "
    .. "base_salary, prizes")
  local year = spec.year
  if mtype(year) ~= "integer" then
    problem(place("year"), "campaign: year phải là năm, một số nguyên (ví dụ 2025)")
  end
  if type(spec.name) ~= "string" then problem(at, "campaign: thiếu name (tên phong trào)") end
  if spec.registration_due ~= nil then
    date_field(place, "", "campaign", "registration_due", spec.registration_due, year)
  end
  local periods = {}
  if type(spec.periods) ~= "table" or next(spec.periods) == nil then
    problem(place("periods"), "campaign: thiếu periods (các kỳ báo cáo)")
  else
    local codes = {}
    for code in pairs(spec.periods) do codes[#codes + 1] = code end
    table.sort(codes, function(a, b) return tostring(a) < tostring(b) end)
    for _, code in ipairs(codes) do periods[code] = check_period(place, code, spec.periods[code], year) end
  end
  local holidays = array()
  for i, h in ipairs(spec.holidays or {}) do
    holidays[#holidays + 1] = check_holiday(place, i, h, year)
  end
  local contents = array()
  for _, c in ipairs(spec.contents or {}) do contents[#contents + 1] = tostring(c) end
  local calendar = E.campaign_calendar(place, spec)
  E.campaign_decl = { at = at, year = year, name = spec.name, theme = spec.theme or "",
    contents = contents, registration_due = spec.registration_due, periods = periods,
    holidays = holidays, office = calendar.office, send_time = calendar.send_time,
    quiet_hours = calendar.quiet_hours, weekend = calendar.weekend,
    total_points = check_total_points_spec(place, spec.total_points),
    base_salary = E.check_base_salary(place, spec.base_salary),
    prizes = E.read_prizes(place, spec.prizes) }
end

-- The campaign's calendar of reminders: who is the Department Office (copied on
-- escalations), when reminders go out, the quiet hours, the weekend (ISO days, 1 = Monday).
-- `place(key)` is where a key is written.
function E.campaign_calendar(place, spec)
  local out = { office = spec.office, send_time = spec.send_time or "08:00",
    quiet_hours = spec.quiet_hours or { from = "21:00", to = "07:00" },
    weekend = spec.weekend or { 6, 7 } }
  if out.office ~= nil and not (type(out.office) == "string" and out.office:match("^[%w_.-]+$")) then
    problem(place("office"), "campaign: office phải là mã đơn vị của Văn phòng Sở")
  end
  if not E.time_ok(out.send_time) then
    problem(place("send_time"), 'campaign: send_time phải là giờ dạng "HH:MM" (nhận "%s")',
      tostring(out.send_time))
  end
  local q = out.quiet_hours
  if type(q) ~= "table" or not E.time_ok(q.from) or not E.time_ok(q.to) then
    problem(place("quiet_hours"), 'campaign: quiet_hours phải có dạng { from = "HH:MM", to = "HH:MM" }')
  end
  local weekend = {}
  for i, d in ipairs(type(out.weekend) == "table" and out.weekend or {}) do
    if mtype(d) ~= "integer" or d < 1 or d > 7 then
      problem(place("weekend/" .. i), "campaign: weekend[%d] phải là một ngày từ 1 (thứ Hai) đến 7 "
        .. "(Chủ nhật)", i)
    else
      weekend[d] = true
    end
  end
  out.weekend = weekend
  return out
end

-- Once every criterion is declared: the points of each subject's criteria add up to the
-- total the campaign declares (when it declares one).
function E.check_total_points()
  local c = E.campaign_decl
  if not (c and c.total_points) then return end
  local sums = { unit = 0, person = 0 }
  for _, id in ipairs(E.criterion_order) do
    local d = E.criteria[id]
    if sums[d.subject] and mtype(d.points) == "integer" then
      sums[d.subject] = sums[d.subject] + d.points
    end
  end
  for _, subject in ipairs({ "unit", "person" }) do
    local declared = c.total_points[subject]
    if declared and sums[subject] ~= declared.total then
      problem(declared.at, "campaign: điểm các tiêu chí %s cộng lại được %d, không bằng tổng "
        .. "%d điểm mà total_points.%s khai báo", SUBJECTS[subject], sums[subject],
        declared.total, subject)
    end
  end
end

-- base_salary = { amount = 2340000, from = "2024-07-01", source = "…" }: the base salary
-- (mức lương cơ sở) prizes are multiples of.
function E.check_base_salary(place, value)
  if value == nil then return nil end
  if type(value) ~= "table" or mtype(value.amount) ~= "integer" or value.amount <= 0
    or type(value.source) ~= "string" or value.source == "" then
    problem(place("base_salary"), 'campaign: base_salary phải có dạng { amount = 2340000 (đồng/tháng, '
      .. 'số nguyên dương), from = "YYYY-MM-DD", source = "văn bản quy định" }')
    return nil
  end
  if value.from ~= nil and not date_ok(value.from) then
    problem(place("base_salary/from"), 'campaign: base_salary.from phải là ngày dạng YYYY-MM-DD')
  end
  return { amount = value.amount, from = value.from, source = value.source }
end

-- prizes = { { title = "LDTT", subject = "person", multiple = 0.3, source = "…" }, … }: the
-- prize of each title or nomination list, as a multiple of the base salary. Titles are
-- checked once every file has run (E.check_prizes).
function E.read_prizes(place, value)
  local out = array()
  if value == nil then return out end
  if type(value) ~= "table" then
    problem(place("prizes"), "campaign: prizes phải là danh sách { title = ..., subject = ..., "
      .. "multiple = ..., source = ... }")
    return out
  end
  for i, p in ipairs(value) do
    local at = place("prizes/" .. i)
    if type(p) ~= "table" or type(p.title) ~= "string" or not SUBJECTS[p.subject]
      or type(p.multiple) ~= "number" or p.multiple < 0
      or type(p.source) ~= "string" or p.source == "" then
      problem(at, 'campaign: prizes[%d] phải có dạng { title = "LDTT", subject = "person", '
        .. 'multiple = 0.3, source = "văn bản quy định" }', i)
    else
      out[#out + 1] = { title = p.title, subject = p.subject, multiple = p.multiple,
        source = p.source, at = at }
    end
  end
  return out
end

-- Once every title and nomination is declared: each prize names one, for a subject it
-- concerns, once; prizes need the base salary.
function E.check_prizes()
  local c = E.campaign_decl
  if not c or not c.prizes then return end
  if #c.prizes > 0 and not c.base_salary then
    problem(c.at, "campaign: prizes cần base_salary (mức lương cơ sở)")
  end
  local seen = {}
  for _, p in ipairs(c.prizes) do
    local t, n = E.titles[p.title], E.nominations[p.title]
    if not t and not n then
      problem(p.at, 'campaign: prizes: "%s" không phải danh hiệu hay hình thức khen thưởng đã '
        .. 'khai báo', p.title)
    elseif (t and t.subject ~= p.subject) or (n and not n.subjects[p.subject]) then
      problem(p.at, 'campaign: prizes: "%s" không xét cho %s', p.title, SUBJECTS[p.subject])
    elseif seen[p.title .. "/" .. p.subject] then
      problem(p.at, 'campaign: prizes: "%s" (%s) khai báo hai lần', p.title, SUBJECTS[p.subject])
    end
    seen[p.title .. "/" .. p.subject] = true
  end
end

E.rule_env.campaign = campaign
