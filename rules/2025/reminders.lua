-- rules/2025/reminders.lua — urging the units to register and to report (part III of the
-- plan: the Department Office "theo dõi, hướng dẫn, đôn đốc" every unit to register its
-- targets and to report every six months and at year end).
--
-- A reminder names its deadline ("report": each period's report_due; "registration": the
-- campaign's registration_due), when it speaks (days before, the due day, every few working
-- days late), when it escalates to the unit's head with a copy to the Department Office
-- (campaign.office), and its words. The texts are functions of r:
--   r.unit.code, r.unit.name       the unit reminded
--   r.recipient                    "unit", "head" (escalation) or "office" (the copy)
--   r.recipient_name               the head's or the Office's name
--   r.deadline                     "report" or "registration"
--   r.period.code, r.period.label  "2025-H1", "Sáu tháng đầu năm 2025" (reports only)
--   r.year                         the campaign's year
--   r.due                          the due date, dd/mm/yyyy (a day off moves it to the next
--                                  working day: Bộ luật Dân sự 2015, Điều 148 khoản 4)
--   r.step                         "-7", "-3", "-1", "0", "+2", ... or "escalate"
--   r.days_left, r.days_late       days before the due date; working days late
--   r.missing_facts                labels of the unit's facts not reported yet
--   r.people_without_facts         names of members without their facts (the first 20)
--   r.people_without_facts_count   how many members are without their facts
--   r.submitted                    whether the unit has sent its report at all
-- Only units that still owe something are reminded; a submission stops their reminders.
-- Channels not set up in thiduad.conf are skipped (the log always works). SMS text is
-- sent without diacritics by the sms channel itself.

-- The first `most` items, and how many more there are of `total` (default #items).
local function list(items, most, total)
  local shown = {}
  for i = 1, math.min(#items, most) do shown[i] = items[i] end
  local text = table.concat(shown, ", ")
  total = total or #items
  if total > #shown then text = text .. string.format(" và %d mục khác", total - #shown) end
  return text
end

-- What is still missing, in one sentence.
local function missing(r)
  if not r.submitted then return "chưa gửi báo cáo kết quả thực hiện phong trào thi đua" end
  local parts = {}
  if #r.missing_facts > 0 then
    parts[#parts + 1] = "còn thiếu: " .. list(r.missing_facts, 5)
  end
  if r.people_without_facts_count > 0 then
    parts[#parts + 1] = string.format("%d cá nhân chưa có số liệu (%s)",
      r.people_without_facts_count,
      list(r.people_without_facts, 5, r.people_without_facts_count))
  end
  return table.concat(parts, "; ")
end

local function when(r)
  if r.step == "0" then return "hôm nay là hạn cuối " .. r.due end
  if r.days_left then return string.format("còn %d ngày đến hạn %s", r.days_left, r.due) end
  return string.format("đã quá hạn %s %d ngày làm việc", r.due, r.days_late)
end

reminder "bao_cao_ket_qua" {
  deadline = "report",
  before = { 7, 3, 1 },
  on_day = true,
  overdue_every = 2,   -- working days
  escalate_after = 3,  -- working days late: to the head, copy to the Office
  stop_after = 20,     -- working days late: the Office takes it up by other means
  channels = { "email", "sms", "zalo" },
  heading = function(r) -- an email's subject
    if r.step == "escalate" then
      return string.format("Quá hạn báo cáo thi đua %s: %s", r.period.label, r.unit.name)
    end
    return string.format("Nhắc báo cáo thi đua %s", r.period.label)
  end,
  text = function(r)
    if r.recipient == "office" then
      return string.format("Văn phòng Sở: %s %s; %s.", r.unit.name, when(r), missing(r))
    end
    if r.recipient == "head" then
      return string.format("Kính gửi đồng chí %s, người đứng đầu %s: báo cáo thi đua %s %s; %s. "
        .. "Đề nghị đồng chí chỉ đạo hoàn thành ngay.", r.recipient_name, r.unit.name,
        r.period.label, when(r), missing(r))
    end
    return string.format("Kính gửi %s: báo cáo thi đua %s %s; %s. Văn phòng Sở đề nghị "
      .. "đơn vị hoàn thành đúng hạn.", r.unit.name, r.period.label, when(r), missing(r))
  end,
}

-- Registration of targets (đăng ký thi đua): part III of the plan asks every unit to send
-- its registration by campaign.registration_due (Luật Thi đua, khen thưởng 2022, Điều 11:
-- "cá nhân, tập thể tham gia phong trào thi đua phải có đăng ký thi đua" — check điều).
-- Here r.period is absent; r.year is the campaign's year. A registration stops the reminders.
reminder "dang_ky_thi_dua" {
  deadline = "registration",
  before = { 7, 3 },
  on_day = true,
  overdue_every = 3,   -- working days
  escalate_after = 5,  -- working days late: to the head, copy to the Office
  stop_after = 15,     -- working days late
  channels = { "email", "sms", "zalo" },
  heading = function(r)
    if r.step == "escalate" then
      return string.format("Chưa đăng ký thi đua năm %d: %s", r.year, r.unit.name)
    end
    return string.format("Nhắc đăng ký thi đua năm %d", r.year)
  end,
  text = function(r)
    local what = string.format("chưa gửi đăng ký thi đua năm %d; %s", r.year, when(r))
    if r.recipient == "office" then
      return string.format("Văn phòng Sở: %s %s.", r.unit.name, what)
    end
    if r.recipient == "head" then
      return string.format("Kính gửi đồng chí %s, người đứng đầu %s: đơn vị %s. "
        .. "Đề nghị đồng chí chỉ đạo hoàn thành ngay.", r.recipient_name, r.unit.name, what)
    end
    return string.format("Kính gửi %s: đơn vị %s. Văn phòng Sở đề nghị đơn vị đăng ký danh "
      .. "hiệu thi đua của tập thể và cá nhân.", r.unit.name, what)
  end,
}
