-- rules/2025/tests/test_reminders.lua — self-tests of the calendar and the reminders:
-- working days, a deadline on a day off (Bộ luật Dân sự 2015, Điều 148), quiet hours,
-- the steps before and after the due date, escalation, and who is not reminded.

local function unit(changes)
  local u = { code = "U1", name = "Phòng Một", email = "u1@so.test", phone = "+84912345678",
    submitted = false, facts = {}, members = {},
    head = { code = "H1", full_name = "Nguyễn Văn Trưởng", email = "h1@so.test",
      phone = "+84987654321" } }
  for k, v in pairs(changes or {}) do u[k] = v end
  return u
end

local OFFICE = { code = "VP", name = "Văn phòng Sở", email = "vp@so.test", phone = "+84911111111" }

-- The messages of period 2025-H1 only.
local function h1(messages)
  local out = {}
  for _, m in ipairs(messages) do
    if m.deadline == "report:2025-H1" then out[#out + 1] = m end
  end
  return out
end

test "ngày làm việc: cuối tuần và ngày lễ" (function(t)
  t.eq(t.working_day("2025-06-13"), true, "thứ Sáu 13/06")
  t.eq(t.working_day("2025-06-14"), false, "thứ Bảy 14/06")
  t.eq(t.working_day("2025-06-15"), false, "Chủ nhật 15/06")
  t.eq(t.working_day("2025-09-02"), false, "Quốc khánh 02/09")
  t.eq(t.working_day("2025-04-30"), false, "30/04")
end)

test "hạn rơi vào ngày nghỉ chuyển sang ngày làm việc tiếp theo (Điều 148 BLDS)" (function(t)
  t.eq(t.effective_due("2025-06-15"), "2025-06-16", "Chủ nhật 15/06 -> thứ Hai 16/06")
  t.eq(t.effective_due("2025-11-15"), "2025-11-17", "thứ Bảy 15/11 -> thứ Hai 17/11")
  t.eq(t.effective_due("2025-08-29"), "2025-08-29", "thứ Sáu: không đổi")
  t.eq(t.effective_due("2025-08-30"), "2025-09-03", "thứ Bảy trước Quốc khánh -> 03/09")
end)

test "nhắc trước hạn 7 ngày, gửi lúc 08:00" (function(t)
  local m = h1(t.remind { now = "2025-06-09T07:30", channels = { "email" }, units = { unit() } })
  t.eq(#m, 1, "một tin")
  t.eq(m[1].step, "-7", "bước")
  t.eq(m[1].send_at, "2025-06-09T08:00", "giờ gửi")
  t.eq(m[1].to, "u1@so.test", "người nhận")
  t.ok(m[1].text:find("16/06/2025", 1, true), "hạn dd/mm/yyyy trong nội dung")
  t.ok(m[1].text:find("Phòng Một", 1, true), "tên đơn vị")
end)

test "giờ yên lặng: tin quyết định lúc 22:00 để sáng hôm sau" (function(t)
  local m = h1(t.remind { now = "2025-06-10T22:30", channels = { "sms" }, units = { unit() } })
  t.eq(#m, 1, "một tin")
  t.eq(m[1].step, "-7", "bước")
  t.eq(m[1].send_at, "2025-06-11T07:00", "hết giờ yên lặng")
  t.eq(m[1].to, "+84912345678", "số điện thoại")
end)

test "bước bị đẩy sang ngày của bước sau thì nhường bước sau" (function(t)
  -- Friday 13/06 at 22:00: step -3 would go out Monday 16/06, the due day itself.
  local m = h1(t.remind { now = "2025-06-13T22:00", channels = { "email" }, units = { unit() } })
  t.eq(#m, 0, "không gửi bước -3 vào ngày hạn")
  m = h1(t.remind { now = "2025-06-16T06:00", channels = { "email" }, units = { unit() } })
  t.eq(#m, 1, "một tin")
  t.eq(m[1].step, "0", "bước ngày hạn")
  t.eq(m[1].send_at, "2025-06-16T08:00", "08:00 ngày hạn")
end)

test "quá hạn: nhắc mỗi 2 ngày làm việc, báo người đứng đầu và Văn phòng Sở" (function(t)
  local m = h1(t.remind { now = "2025-06-19T10:00", channels = { "email" }, office = OFFICE,
    units = { unit() } })
  t.eq(#m, 3, "đơn vị, người đứng đầu, Văn phòng Sở")
  t.eq(m[1].step, "+2", "bước quá hạn")
  t.eq(m[2].step, "escalate", "báo người đứng đầu")
  t.eq(m[2].to, "h1@so.test", "thư người đứng đầu")
  t.ok(m[2].text:find("Nguyễn Văn Trưởng", 1, true), "tên người đứng đầu")
  t.eq(m[3].to, "vp@so.test", "bản gửi Văn phòng Sở")
  t.ok(m[1].text:find("3 ngày làm việc", 1, true), "số ngày quá hạn")
end)

test "đơn vị đã nộp đủ thì không bị nhắc; còn thiếu thì nêu rõ" (function(t)
  local facts = { response_plan = true, work_programme_approved = true, tasks_assigned = 1,
    tasks_completed = 1, legal_docs_assigned = 0, legal_docs_completed = 0,
    restructuring_on_time = true, discipline_violations = 0, exemplary_models = 0,
    internal_solidarity = true, unit_rating = "HTT" }
  local done = unit { submitted = true, facts = facts,
    members = { { code = "P1", full_name = "Lê Thị Một", has_facts = true } } }
  t.eq(#h1(t.remind { now = "2025-06-19T10:00", units = { done } }), 0, "đã nộp đủ")
  local missing = unit { submitted = true, facts = facts,
    members = { { code = "P2", full_name = "Trần Văn Hai", has_facts = false } } }
  local m = h1(t.remind { now = "2025-06-19T10:00", units = { missing } })
  t.eq(#m, 2, "còn người chưa có số liệu: đơn vị và người đứng đầu")
  t.eq(m[1].recipient, "unit", "tin cho đơn vị")
  t.ok(m[1].text:find("Trần Văn Hai", 1, true), "nêu tên người thiếu")
end)

test "kênh chưa cấu hình thì bỏ qua, còn lại nhật ký" (function(t)
  local m = h1(t.remind { now = "2025-06-09T09:00", channels = {}, units = { unit() } })
  t.eq(#m, 1, "một tin")
  t.eq(m[1].channel, "log", "kênh nhật ký")
  t.eq(m[1].to, "U1", "mã đơn vị")
end)
