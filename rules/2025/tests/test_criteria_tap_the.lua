-- rules/2025/tests/test_criteria_tap_the.lua — self-tests of the collective
-- criteria TT1–TT6: each on both sides of its condition, and unreported facts.
-- Only the tests about points name numbers of points; the others expect the
-- score the declared points give (t.points, t.points_of), and the reasons the
-- labels facts.lua declares (t.label).

local MISSING = {}  -- as a value in `changes`: the fact is not reported

-- Facts of a unit that meets every collective criterion.
local function good_unit_facts()
  return {
    response_plan = true, work_programme_approved = true,
    tasks_assigned = 40, tasks_completed = 40,
    legal_docs_assigned = 3, legal_docs_completed = 3,
    restructuring_on_time = true, discipline_violations = 0,
    exemplary_models = 2, internal_solidarity = true, unit_rating = "HTXS",
  }
end

-- The result for the good unit with `changes` applied. Criteria do not depend
-- on members, so the unit has none here.
local function evaluate(t, changes, period)
  local facts = good_unit_facts()
  for name, value in pairs(changes or {}) do
    if value == MISSING then facts[name] = nil else facts[name] = value end
  end
  return t.evaluate_unit { period = period, unit = { code = "U1", facts = facts }, members = {} }.unit
end

-- Does the criterion's reason contain `text`?
local function says(criterion, text)
  return criterion.reason ~= nil and criterion.reason:find(text, 1, true) ~= nil
end

test "Tập thể đạt đủ 6 tiêu chí được 100 điểm" (function(t)
  local r = evaluate(t)
  for _, id in ipairs { "TT1", "TT2", "TT3", "TT4", "TT5", "TT6" } do
    t.eq(r.criteria[id].passed, true, id .. " đạt")
    t.eq(r.criteria[id].applicable, true, id .. " áp dụng cho tập thể")
    t.eq(r.criteria[id].reason, nil, id .. " đạt thì không có lý do")
  end
  t.eq(r.score, 100)
end)

test "Điểm tiêu chí tập thể theo kế hoạch: TT1 15, TT2 20, TT3 20, TT4 15, TT5 15, TT6 15" (function(t)
  local plan = { TT1 = 15, TT2 = 20, TT3 = 20, TT4 = 15, TT5 = 15, TT6 = 15 }
  for id, points in pairs(plan) do t.eq(t.points(id), points, id) end
end)

test "Kỳ sáu tháng chấm tiêu chí tập thể như kỳ cả năm" (function(t)
  t.eq(evaluate(t, nil, "2025-H1").score, t.points_of("unit"))
  t.eq(evaluate(t, { response_plan = false }, "2025-H1").criteria.TT1.passed, false)
end)

test "TT1: không có kế hoạch hưởng ứng thì không đạt" (function(t)
  local r = evaluate(t, { response_plan = false })
  t.eq(r.criteria.TT1.passed, false)
  t.ok(says(r.criteria.TT1, "Chưa có kế hoạch"), "lý do nêu chưa có kế hoạch")
  t.eq(r.score, t.points_of("unit") - t.points("TT1"), "mất điểm của TT1")
end)

test "TT1: chưa báo cáo kế hoạch hưởng ứng thì không đạt" (function(t)
  local r = evaluate(t, { response_plan = MISSING })
  t.eq(r.criteria.TT1.passed, false)
  t.ok(says(r.criteria.TT1, "Chưa báo cáo: " .. t.label("response_plan")), r.criteria.TT1.reason)
end)

test "TT2: hoàn thành tốt (từ 80%) nhiệm vụ được giao thì đạt, dưới thì không" (function(t)
  local r = evaluate(t, { tasks_assigned = 40, tasks_completed = 31 })
  t.eq(r.criteria.TT2.passed, false, "31/40 = 77,5%")
  t.ok(says(r.criteria.TT2, "31/40"), r.criteria.TT2.reason)
  t.ok(says(r.criteria.TT2, "80%"), r.criteria.TT2.reason)
  t.eq(r.score, t.points_of("unit") - t.points("TT2"), "mất điểm của TT2")
  t.eq(evaluate(t, { tasks_assigned = 40, tasks_completed = 32 }).criteria.TT2.passed, true, "32/40")
  t.eq(evaluate(t, { tasks_assigned = 40, tasks_completed = 40 }).criteria.TT2.passed, true)
end)

test "TT2: 99/100 nhiệm vụ và 2/2 văn bản thì đạt; 1/2 văn bản thì không" (function(t)
  local facts = { tasks_assigned = 100, tasks_completed = 99, legal_docs_assigned = 2,
    legal_docs_completed = 2 }
  t.eq(evaluate(t, facts).criteria.TT2.passed, true, "99/100, 2/2")
  facts.legal_docs_completed = 1
  local r = evaluate(t, facts)
  t.eq(r.criteria.TT2.passed, false, "99/100, 1/2")
  t.ok(says(r.criteria.TT2, "1/2 nhiệm vụ xây dựng văn bản quy phạm pháp luật"), r.criteria.TT2.reason)
end)

test "TT2: phải hoàn thành 100% nhiệm vụ xây dựng văn bản quy phạm pháp luật" (function(t)
  local r = evaluate(t, { legal_docs_assigned = 3, legal_docs_completed = 2 })
  t.eq(r.criteria.TT2.passed, false, "2/3 văn bản: không đạt")
  t.ok(says(r.criteria.TT2, "2/3 nhiệm vụ xây dựng văn bản quy phạm pháp luật"), r.criteria.TT2.reason)
  t.eq(evaluate(t, { legal_docs_assigned = 3, legal_docs_completed = 3 }).criteria.TT2.passed, true)
end)

test "TT2: không được giao văn bản quy phạm pháp luật nào thì coi như đạt 100%" (function(t)
  local r = evaluate(t, { legal_docs_assigned = 0, legal_docs_completed = 0 })
  t.eq(r.criteria.TT2.passed, true)
  t.eq(r.score, t.points_of("unit"))
end)

test "TT2: số hoàn thành lớn hơn số được giao là số liệu sai, không đạt" (function(t)
  local r = evaluate(t, { legal_docs_assigned = 0, legal_docs_completed = 1 })
  t.eq(r.criteria.TT2.passed, false)
  t.ok(says(r.criteria.TT2, "không hợp lệ"), r.criteria.TT2.reason)
  t.eq(evaluate(t, { tasks_assigned = 40, tasks_completed = 41 }).criteria.TT2.passed, false)
end)

test "TT2: chương trình công tác chưa được phê duyệt thì không đạt" (function(t)
  local r = evaluate(t, { work_programme_approved = false })
  t.eq(r.criteria.TT2.passed, false)
  t.ok(says(r.criteria.TT2, "chưa được phê duyệt"), r.criteria.TT2.reason)
end)

test "TT2: nêu đủ mọi thiếu sót trong một lý do" (function(t)
  local r = evaluate(t, { work_programme_approved = false, tasks_completed = 30, legal_docs_completed = 1 })
  t.ok(says(r.criteria.TT2, "chưa được phê duyệt"), "nêu chương trình")
  t.ok(says(r.criteria.TT2, "30/40"), "nêu nhiệm vụ")
  t.ok(says(r.criteria.TT2, "1/3"), "nêu văn bản")
end)

test "TT2: chưa báo cáo số văn bản được giao thì không đạt" (function(t)
  local r = evaluate(t, { legal_docs_assigned = MISSING })
  t.eq(r.criteria.TT2.passed, false)
  t.ok(says(r.criteria.TT2, "Chưa báo cáo: " .. t.label("legal_docs_assigned")),
    r.criteria.TT2.reason)
end)

test "TT3: chậm tiến độ kiện toàn, tinh gọn bộ máy thì không đạt" (function(t)
  local r = evaluate(t, { restructuring_on_time = false })
  t.eq(r.criteria.TT3.passed, false)
  t.ok(says(r.criteria.TT3, "tinh gọn tổ chức bộ máy"), r.criteria.TT3.reason)
  t.eq(r.score, t.points_of("unit") - t.points("TT3"))
  t.eq(evaluate(t, { restructuring_on_time = MISSING }).criteria.TT3.passed, false)
end)

test "TT4: không có vi phạm kỷ cương thì đạt, một vụ vi phạm thì không" (function(t)
  t.eq(evaluate(t, { discipline_violations = 0 }).criteria.TT4.passed, true)
  local r = evaluate(t, { discipline_violations = 1 })
  t.eq(r.criteria.TT4.passed, false)
  t.ok(says(r.criteria.TT4, "1 vụ vi phạm"), r.criteria.TT4.reason)
  t.eq(r.score, t.points_of("unit") - t.points("TT4"))
end)

test "TT5: cần ít nhất một điển hình tiên tiến" (function(t)
  t.eq(evaluate(t, { exemplary_models = 1 }).criteria.TT5.passed, true)
  local r = evaluate(t, { exemplary_models = 0 })
  t.eq(r.criteria.TT5.passed, false)
  t.ok(says(r.criteria.TT5, "điển hình tiên tiến"), r.criteria.TT5.reason)
end)

test "TT6: nội bộ không đoàn kết thì không đạt" (function(t)
  local r = evaluate(t, { internal_solidarity = false })
  t.eq(r.criteria.TT6.passed, false)
  t.ok(says(r.criteria.TT6, "đoàn kết"), r.criteria.TT6.reason)
  t.eq(evaluate(t, { internal_solidarity = MISSING }).criteria.TT6.passed, false)
end)

test "Tập thể chưa báo cáo gì: mọi tiêu chí không đạt, lý do là chưa báo cáo, 0 điểm" (function(t)
  local r = t.evaluate_unit { unit = { code = "U1", facts = {} }, members = {} }.unit
  for _, id in ipairs { "TT1", "TT2", "TT3", "TT4", "TT5", "TT6" } do
    t.eq(r.criteria[id].passed, false, id)
    t.ok(says(r.criteria[id], "Chưa báo cáo: "), id .. ": lý do là chưa báo cáo")
  end
  t.eq(r.score, 0)
end)
