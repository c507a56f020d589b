-- rules/2025/tests/test_facts.lua — self-tests of the fact checks in facts.lua:
-- the months a person reports (with the leave counted as work) against the
-- months from the hiring date, or the period's start, to the period's end.

local function person(months, leave)
  return { rating = "HTT", months_worked = months, leave_months_counted = leave }
end

-- The message on facts.months_worked, or nil when the facts pass.
local function problem(t, period, hired_on, facts)
  for _, d in ipairs(t.validate { period = period, hired_on = hired_on, facts = facts }) do
    if d.field == "facts.months_worked" then return d.message end
  end
  return nil
end

test "Tuyển dụng 01/10/2025 mà báo cáo 12 tháng cả năm thì bị từ chối, nêu ngày tuyển dụng" (function(t)
  local message = problem(t, "2025-Y", "2025-10-01", person(12))
  t.ok(message, "bị từ chối")
  t.ok(message:find("12 tháng", 1, true), "nêu số tháng báo cáo")
  t.ok(message:find("01/10/2025", 1, true), "nêu ngày tuyển dụng dd/mm/yyyy")
  t.ok(message:find("3 tháng", 1, true), "nêu số tháng tối đa")
end)

test "Tuyển dụng 01/10/2025: 3 tháng thì nhận, 4 tháng thì không" (function(t)
  t.eq(problem(t, "2025-Y", "2025-10-01", person(3)), nil, "3 tháng")
  t.ok(problem(t, "2025-Y", "2025-10-01", person(4)), "4 tháng")
end)

test "Tháng bắt đầu giữa chừng tính cả tháng: tuyển dụng 15/10 vẫn được 3 tháng" (function(t)
  t.eq(problem(t, "2025-Y", "2025-10-15", person(3)), nil)
end)

test "Tuyển dụng trước kỳ: kỳ sáu tháng có 6 tháng, cả năm có 12" (function(t)
  t.eq(problem(t, "2025-H1", "2010-03-01", person(6)), nil, "6 tháng trong kỳ sáu tháng")
  local message = problem(t, "2025-H1", "2010-03-01", person(12))
  t.ok(message and message:find("30/06/2025", 1, true), "12 tháng trong kỳ sáu tháng: từ chối")
  t.eq(problem(t, "2025-Y", nil, person(12)), nil, "không có ngày tuyển dụng: tính từ đầu kỳ")
end)

test "Tháng nghỉ được tính là thời gian công tác cũng tính vào giới hạn" (function(t)
  t.eq(problem(t, "2025-Y", "2025-10-01", person(2, 1)), nil, "2 + 1 tháng")
  local message = problem(t, "2025-Y", "2025-10-01", person(3, 1))
  t.ok(message and message:find("1 tháng nghỉ", 1, true), "3 + 1 tháng: nêu tháng nghỉ")
end)

test "Sai kiểu thì chỉ báo lỗi kiểu, không kiểm tra số tháng" (function(t)
  local out = t.validate { period = "2025-Y", hired_on = "2025-10-01", facts = { months_worked = 13 } }
  t.eq(#out, 1)
  t.ok(out[1].message:find("không được lớn hơn 12", 1, true), out[1].message)
end)
