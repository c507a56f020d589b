-- rules/2025/tests/test_criteria_ca_nhan.lua — self-tests of the individual
-- criteria CN1–CN7: each on both sides of its condition, and unreported facts.

local MISSING = {}  -- as a value in `changes`: the fact is not reported

-- Facts of a staff member who meets CN1–CN6.
local function good_person_facts()
  return {
    rating = "HTT", months_worked = 12, initiatives = 1,
    responsibility = true, obeys_assignment = true, movement_participation = true,
    discipline = "none",
  }
end

local function with(changes)
  local facts = good_person_facts()
  for name, value in pairs(changes or {}) do
    if value == MISSING then facts[name] = nil else facts[name] = value end
  end
  return facts
end

-- The result for a lone staff member (not a head) with `changes` applied.
local function evaluate(t, changes)
  return t.evaluate_person { code = "P1", is_head = false, facts = with(changes) }
end

local function says(criterion, text)
  return criterion.reason ~= nil and criterion.reason:find(text, 1, true) ~= nil
end

-- A unit meeting TT1–TT6 with the given rating; its head P01 and nine staff
-- all meet CN1–CN6 and the head rated HTXS, so the unit is TTLDXS when rated HTXS.
local function unit_with_head(t, unit_rating)
  local members = { { code = "P01", is_head = true, facts = with { rating = "HTXS" } } }
  for i = 2, 10 do
    members[i] = { code = string.format("P%02d", i), is_head = false, facts = with() }
  end
  local facts = {
    response_plan = true, work_programme_approved = true, tasks_assigned = 10, tasks_completed = 10,
    legal_docs_assigned = 0, legal_docs_completed = 0, restructuring_on_time = true,
    discipline_violations = 0, exemplary_models = 1, internal_solidarity = true, unit_rating = unit_rating,
  }
  return t.evaluate_unit { unit = { code = "U1", facts = facts }, members = members }
end

test "Cá nhân đạt đủ CN1–CN6 được 100 điểm; CN7 không áp dụng cho người không là người đứng đầu" (function(t)
  local r = evaluate(t)
  for _, id in ipairs { "CN1", "CN2", "CN3", "CN4", "CN5", "CN6" } do
    t.eq(r.criteria[id].passed, true, id .. " đạt")
    t.eq(r.criteria[id].applicable, true, id .. " áp dụng")
  end
  t.eq(r.criteria.CN7.applicable, false, "CN7 chỉ áp dụng cho người đứng đầu")
  t.eq(r.score, 100)
end)

test "Điểm tiêu chí cá nhân theo kế hoạch: CN1 20, CN2 15, CN3 15, CN4 15, CN5 20, CN6 15, CN7 0" (function(t)
  local plan = { CN1 = 20, CN2 = 15, CN3 = 15, CN4 = 15, CN5 = 20, CN6 = 15, CN7 = 0 }
  for id, points in pairs(plan) do t.eq(t.points(id), points, id) end
end)

test "CN1: Hoàn thành tốt hoặc xuất sắc thì đạt; Hoàn thành hoặc Không hoàn thành thì không" (function(t)
  t.eq(evaluate(t, { rating = "HTXS" }).criteria.CN1.passed, true, "HTXS")
  t.eq(evaluate(t, { rating = "HTT" }).criteria.CN1.passed, true, "HTT")
  local r = evaluate(t, { rating = "HT" })
  t.eq(r.criteria.CN1.passed, false, "HT")
  t.ok(says(r.criteria.CN1, "Hoàn thành nhiệm vụ"), r.criteria.CN1.reason)
  t.eq(r.score, t.points_of("person") - t.points("CN1"), "mất điểm của CN1")
  t.eq(evaluate(t, { rating = "KHT" }).criteria.CN1.passed, false, "KHT")
end)

test "CN1: chưa báo cáo xếp loại thì không đạt" (function(t)
  local r = evaluate(t, { rating = MISSING })
  t.eq(r.criteria.CN1.passed, false)
  t.ok(says(r.criteria.CN1, "Chưa báo cáo: " .. t.label("rating")), r.criteria.CN1.reason)
end)

test "CN2: cần ít nhất một sáng kiến, đề tài, giải pháp được công nhận" (function(t)
  t.eq(evaluate(t, { initiatives = 1 }).criteria.CN2.passed, true)
  local r = evaluate(t, { initiatives = 0 })
  t.eq(r.criteria.CN2.passed, false)
  t.ok(says(r.criteria.CN2, "sáng kiến"), r.criteria.CN2.reason)
  t.eq(r.score, t.points_of("person") - t.points("CN2"))
  t.eq(evaluate(t, { initiatives = MISSING }).criteria.CN2.passed, false, "chưa báo cáo")
end)

test "CN3: thiếu tinh thần trách nhiệm, nêu gương thì không đạt" (function(t)
  local r = evaluate(t, { responsibility = false })
  t.eq(r.criteria.CN3.passed, false)
  t.ok(says(r.criteria.CN3, "trách nhiệm"), r.criteria.CN3.reason)
  local missing = evaluate(t, { responsibility = MISSING })
  t.ok(says(missing.criteria.CN3, "Chưa báo cáo: "), missing.criteria.CN3.reason)
end)

test "CN4: không chấp hành sự phân công, điều động thì không đạt" (function(t)
  local r = evaluate(t, { obeys_assignment = false })
  t.eq(r.criteria.CN4.passed, false)
  t.ok(says(r.criteria.CN4, "phân công"), r.criteria.CN4.reason)
  t.eq(evaluate(t, { obeys_assignment = MISSING }).criteria.CN4.passed, false)
end)

test "CN5: không bị kỷ luật thì đạt; bị khiển trách đã không đạt" (function(t)
  t.eq(evaluate(t, { discipline = "none" }).criteria.CN5.passed, true)
  local r = evaluate(t, { discipline = "khien_trach" })
  t.eq(r.criteria.CN5.passed, false)
  t.ok(says(r.criteria.CN5, "khiển trách"), r.criteria.CN5.reason)
  t.eq(r.score, t.points_of("person") - t.points("CN5"))
  t.eq(evaluate(t, { discipline = "buoc_thoi_viec" }).criteria.CN5.passed, false)
  t.eq(evaluate(t, { discipline = MISSING }).criteria.CN5.passed, false)
end)

test "CN6: không tích cực hưởng ứng phong trào thi đua thì không đạt" (function(t)
  local r = evaluate(t, { movement_participation = false })
  t.eq(r.criteria.CN6.passed, false)
  t.ok(says(r.criteria.CN6, "phong trào thi đua"), r.criteria.CN6.reason)
  t.eq(evaluate(t, { movement_participation = MISSING }).criteria.CN6.passed, false)
end)

test "Cá nhân chưa báo cáo gì: mọi tiêu chí không đạt, 0 điểm" (function(t)
  local r = t.evaluate_person { code = "P1", is_head = false, facts = {} }
  for _, id in ipairs { "CN1", "CN2", "CN3", "CN4", "CN5", "CN6" } do
    t.eq(r.criteria[id].passed, false, id)
    t.ok(says(r.criteria[id], "Chưa báo cáo: "), id .. ": lý do là chưa báo cáo")
  end
  t.eq(r.score, 0)
end)

test "CN7: người đứng đầu không thuộc đơn vị nào thì không đạt" (function(t)
  local r = t.evaluate_person { code = "P1", is_head = true, facts = with { rating = "HTXS" } }
  t.eq(r.criteria.CN7.applicable, true)
  t.eq(r.criteria.CN7.passed, false)
  t.ok(says(r.criteria.CN7, "Tập thể lao động xuất sắc"), r.criteria.CN7.reason)
end)

test "CN7: người đứng đầu đạt khi tập thể là Tập thể lao động xuất sắc" (function(t)
  local r = unit_with_head(t, "HTXS")
  t.eq(r.unit.titles.TTLDXS, true, "tập thể đạt TTLDXS")
  t.eq(r.people.P01.criteria.CN7.passed, true)
  t.eq(r.people.P02.criteria.CN7.applicable, false, "nhân viên: CN7 không áp dụng")
end)

test "CN7: người đứng đầu không đạt khi tập thể chỉ xếp loại Hoàn thành tốt" (function(t)
  local r = unit_with_head(t, "HTT")
  t.eq(r.unit.titles.TTLDXS, false)
  t.eq(r.people.P01.criteria.CN7.passed, false)
end)

test "CN7 không tính điểm: người đứng đầu và nhân viên cùng thang 100 điểm" (function(t)
  local r = unit_with_head(t, "HTT")
  t.eq(r.people.P01.score, 100, "người đứng đầu, tập thể chưa TTLDXS")
  t.eq(r.people.P02.score, 100, "nhân viên")
  t.eq(unit_with_head(t, "HTXS").people.P01.score, 100, "người đứng đầu, tập thể TTLDXS")
end)
