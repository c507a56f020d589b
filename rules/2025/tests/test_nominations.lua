-- rules/2025/tests/test_nominations.lua — self-tests of the commendation lists
-- GIAY_KHEN (Director) and BANG_KHEN (proposed to the Minister), for persons
-- and units, and their year-end-only rule.

-- Facts of a person who is LDTT (rated HTT, whole year) with no initiative.
local function ldtt_facts(changes)
  local facts = {
    rating = "HTT", months_worked = 12, initiatives = 0,
    responsibility = true, obeys_assignment = true, movement_participation = true,
    discipline = "none",
  }
  for name, value in pairs(changes or {}) do facts[name] = value end
  return facts
end

local function staff(t, changes, period)
  return t.evaluate_person { period = period, code = "P1", is_head = false, facts = ldtt_facts(changes) }
end

-- A unit meeting TT1–TT6 (rated HTXS unless `changes` says otherwise) with a
-- head rated HTXS (CSTDCS) and nine LDTT staff: TTLDTT and TTLDXS.
local function evaluate_unit(t, changes, period)
  local facts = {
    response_plan = true, work_programme_approved = true, tasks_assigned = 12, tasks_completed = 12,
    legal_docs_assigned = 1, legal_docs_completed = 1, restructuring_on_time = true,
    discipline_violations = 0, exemplary_models = 1, internal_solidarity = true, unit_rating = "HTXS",
  }
  for name, value in pairs(changes or {}) do facts[name] = value end
  local members = { { code = "P01", is_head = true, facts = ldtt_facts { rating = "HTXS", initiatives = 1 } } }
  for i = 2, 10 do
    members[i] = { code = string.format("P%02d", i), is_head = false, facts = ldtt_facts() }
  end
  return t.evaluate_unit { period = period, unit = { code = "U1", facts = facts }, members = members }
end

local function mentions(reasons, text)
  for _, reason in ipairs(reasons or {}) do
    if reason:find(text, 1, true) then return true end
  end
  return false
end

------------------------------------------------------------------ GIAY_KHEN

-- One achievement, one form (Luật TĐKT 2022, Điều 5 khoản 2 điểm c): LDTT
-- with an initiative or HTXS is this year's CSTDCS, so not also the Giấy khen.
test "Giấy khen cá nhân: LDTT có sáng kiến là CSTDCS, không đề nghị thêm Giấy khen cho cùng thành tích" (function(t)
  local r = staff(t, { initiatives = 1 })
  t.eq(r.titles.CSTDCS, true)
  t.eq(r.nominations.GIAY_KHEN, false)
  t.ok(mentions(r.reasons.GIAY_KHEN, "không khen thưởng nhiều hình thức cho một thành tích"),
    "lý do nêu nguyên tắc")
  t.ok(mentions(r.reasons.GIAY_KHEN, "Điều 5"), "lý do dẫn điều luật")
  t.eq(#r.reasons.GIAY_KHEN, 1, "chỉ một lý do: đã đề nghị CSTDCS")
end)

test "Giấy khen cá nhân: LDTT xếp loại xuất sắc là CSTDCS, không đề nghị thêm Giấy khen" (function(t)
  local r = staff(t, { rating = "HTXS", initiatives = 0 })
  t.eq(r.titles.CSTDCS, true)
  t.eq(r.nominations.GIAY_KHEN, false)
end)

test "Giấy khen cá nhân: LDTT nhưng không có thành tích nổi bật thì không" (function(t)
  local r = staff(t, { rating = "HTT", initiatives = 0 })
  t.eq(r.titles.LDTT, true)
  t.eq(r.nominations.GIAY_KHEN, false)
  t.ok(mentions(r.reasons.GIAY_KHEN, "thành tích"), "lý do nêu thành tích")
end)

test "Giấy khen cá nhân: chưa đạt LDTT thì không, dù có sáng kiến" (function(t)
  local r = staff(t, { months_worked = 5, initiatives = 3, rating = "HTXS" })
  t.eq(r.nominations.GIAY_KHEN, false)
  t.ok(mentions(r.reasons.GIAY_KHEN, "Lao động tiên tiến"), "lý do nêu LDTT")
end)

test "Giấy khen tập thể: TTLDTT và có điển hình tiên tiến thì được đề nghị" (function(t)
  local r = evaluate_unit(t, { unit_rating = "HTT" })
  t.eq(r.unit.titles.TTLDTT, true)
  t.eq(r.unit.nominations.GIAY_KHEN, true)
  t.eq(r.people.P02.nominations.GIAY_KHEN, false, "nhân viên HTT không sáng kiến")
end)

test "Giấy khen tập thể: không đạt TTLDTT thì không" (function(t)
  local r = evaluate_unit(t, { exemplary_models = 0 })
  t.eq(r.unit.titles.TTLDTT, false)
  t.eq(r.unit.nominations.GIAY_KHEN, false)
  t.ok(mentions(r.unit.reasons.GIAY_KHEN, "Tập thể lao động tiên tiến"), "lý do nêu TTLDTT")
  t.ok(mentions(r.unit.reasons.GIAY_KHEN, "điển hình tiên tiến"), "lý do nêu điển hình")
end)

------------------------------------------------------------------ BANG_KHEN

test "Bằng khen cá nhân: CSTDCS hai năm liên tục thì được đề nghị" (function(t)
  local r = staff(t, { initiatives = 1, previous_year_cstdcs = true })
  t.eq(r.titles.CSTDCS, true)
  t.eq(r.nominations.BANG_KHEN, true)
end)

test "Bằng khen cá nhân: CSTDCS năm trước đã lưu (nhập hay kết quả cuối năm) thì đủ hai năm" (function(t)
  local r = t.evaluate_person { period = "2025-Y", code = "P1", facts = ldtt_facts { initiatives = 1 },
    history = { ["2024"] = { "LDTT", "CSTDCS" } } }
  t.eq(r.nominations.BANG_KHEN, true, "CSTDCS 2024 và 2025")
  local old = t.evaluate_person { period = "2025-Y", code = "P1", facts = ldtt_facts { initiatives = 1 },
    history = { ["2023"] = { "CSTDCS" }, ["2024"] = { "LDTT" } } }
  t.eq(old.nominations.BANG_KHEN, false, "CSTDCS 2023 không liền năm 2025")
end)

test "Bằng khen tập thể: TTLDXS năm trước đã lưu thì đủ hai năm" (function(t)
  local facts = {
    response_plan = true, work_programme_approved = true, tasks_assigned = 12, tasks_completed = 12,
    legal_docs_assigned = 1, legal_docs_completed = 1, restructuring_on_time = true,
    discipline_violations = 0, exemplary_models = 1, internal_solidarity = true, unit_rating = "HTXS",
  }
  local members = { { code = "P01", is_head = true, facts = ldtt_facts { rating = "HTXS", initiatives = 1 } } }
  for i = 2, 10 do members[i] = { code = string.format("P%02d", i), facts = ldtt_facts() } end
  local r = t.evaluate_unit { period = "2025-Y", members = members,
    unit = { code = "U1", facts = facts, history = { ["2024"] = { "TTLDTT", "TTLDXS" } } } }
  t.eq(r.unit.nominations.BANG_KHEN, true)
end)

test "Bằng khen cá nhân: CSTDCS năm nay nhưng năm trước không thì không" (function(t)
  local r = staff(t, { initiatives = 1, previous_year_cstdcs = false })
  t.eq(r.nominations.BANG_KHEN, false)
  t.ok(mentions(r.reasons.BANG_KHEN, "2 năm liên tục"), "lý do nêu 2 năm")
  t.eq(staff(t, { initiatives = 1 }).nominations.BANG_KHEN, false, "năm trước chưa báo cáo: coi là không")
end)

test "Bằng khen cá nhân: hai năm xuất sắc với tổng 2 sáng kiến thì được đề nghị, 1 sáng kiến thì không" (function(t)
  local two = staff(t, { rating = "HTXS", initiatives = 1,
    previous_year_rating = "HTXS", previous_year_initiatives = 1 })
  t.eq(two.nominations.BANG_KHEN, true, "1 + 1 sáng kiến")
  local one = staff(t, { rating = "HTXS", initiatives = 1,
    previous_year_rating = "HTXS", previous_year_initiatives = 0 })
  t.eq(one.nominations.BANG_KHEN, false, "1 + 0 sáng kiến")
  local before = staff(t, { rating = "HTXS", initiatives = 2, previous_year_rating = "HTT" })
  t.eq(before.nominations.BANG_KHEN, false, "năm trước chỉ Hoàn thành tốt")
end)

test "Bằng khen cá nhân, đường thứ hai: bị kỷ luật cảnh cáo trong năm thì không, dù hai năm xuất sắc và 2 sáng kiến" (function(t)
  local r = staff(t, { rating = "HTXS", initiatives = 1, discipline = "canh_cao",
    previous_year_rating = "HTXS", previous_year_initiatives = 1 })
  t.eq(r.nominations.BANG_KHEN, false)
  t.ok(mentions(r.reasons.BANG_KHEN, "CN5"), "lý do nêu tiêu chí CN5")
  t.ok(mentions(r.reasons.BANG_KHEN, "gương mẫu chấp hành"), "lý do nêu yêu cầu gương mẫu")
end)

test "Bằng khen cá nhân, đường thứ hai: thiếu tinh thần trách nhiệm (CN3) hay không hưởng ứng phong trào (CN6) thì không" (function(t)
  local two_years = { rating = "HTXS", initiatives = 1,
    previous_year_rating = "HTXS", previous_year_initiatives = 1 }
  for name, id in pairs { responsibility = "CN3", obeys_assignment = "CN4", movement_participation = "CN6" } do
    local changes = { [name] = false }
    for k, v in pairs(two_years) do changes[k] = v end
    local r = staff(t, changes)
    t.eq(r.nominations.BANG_KHEN, false, id)
    t.ok(mentions(r.reasons.BANG_KHEN, id), "lý do nêu " .. id)
  end
end)

test "Bằng khen tập thể: TTLDXS năm nay và năm trước thì được đề nghị" (function(t)
  local r = evaluate_unit(t, { previous_year_ttldxs = true })
  t.eq(r.unit.titles.TTLDXS, true)
  t.eq(r.unit.nominations.BANG_KHEN, true)
end)

test "Bằng khen tập thể: TTLDXS năm nay, năm trước xếp loại xuất sắc thì được đề nghị" (function(t)
  t.eq(evaluate_unit(t, { previous_year_unit_rating = "HTXS" }).unit.nominations.BANG_KHEN, true)
end)

test "Bằng khen tập thể: năm trước không TTLDXS, không xuất sắc thì không" (function(t)
  local r = evaluate_unit(t, { previous_year_ttldxs = false, previous_year_unit_rating = "HTT" })
  t.eq(r.unit.nominations.BANG_KHEN, false)
  t.ok(mentions(r.unit.reasons.BANG_KHEN, "Năm trước"), "lý do nêu năm trước")
  t.eq(evaluate_unit(t).unit.nominations.BANG_KHEN, false, "năm trước chưa báo cáo: coi là không")
end)

test "Bằng khen tập thể: năm nay chưa đạt TTLDXS thì không" (function(t)
  local r = evaluate_unit(t, { unit_rating = "HTT", previous_year_ttldxs = true })
  t.eq(r.unit.titles.TTLDXS, false)
  t.eq(r.unit.nominations.BANG_KHEN, false)
  t.ok(mentions(r.unit.reasons.BANG_KHEN, "Tập thể lao động xuất sắc năm nay"), "lý do nêu năm nay")
end)

----------------------------------------------------------- year end only

test "Kỳ sáu tháng không xét khen thưởng, cá nhân cũng như tập thể" (function(t)
  local p = staff(t, { months_worked = 6, rating = "HTXS", initiatives = 2,
    previous_year_cstdcs = true }, "2025-H1")
  t.eq(p.titles.CSTDCS, true, "danh hiệu vẫn được xét tạm")
  t.eq(p.nominations.GIAY_KHEN, false)
  t.eq(p.nominations.BANG_KHEN, false)
  t.ok(mentions(p.reasons.GIAY_KHEN, "tổng kết năm"), "lý do nêu cuối năm")

  local u = evaluate_unit(t, { previous_year_ttldxs = true }, "2025-H1")
  t.eq(u.unit.nominations.GIAY_KHEN, false)
  t.eq(u.unit.nominations.BANG_KHEN, false)
  t.ok(mentions(u.unit.reasons.BANG_KHEN, "tổng kết năm"), "lý do nêu cuối năm")
end)

test "Người đứng đầu đạt CSTDCS khi tập thể là TTLDXS, mất LDTT và không được khen khi tập thể chưa đạt" (function(t)
  local head = evaluate_unit(t).people.P01
  t.eq(head.titles.CSTDCS, true, "tập thể TTLDXS")
  t.eq(head.nominations.GIAY_KHEN, false, "CSTDCS: không thêm Giấy khen cho cùng thành tích")
  local r = evaluate_unit(t, { unit_rating = "HTT" })
  t.eq(r.people.P01.titles.LDTT, false)
  t.eq(r.people.P01.titles.CSTDCS, false)
  t.eq(r.people.P01.nominations.GIAY_KHEN, false, "tập thể không TTLDXS: mất LDTT nên mất Giấy khen")
  t.ok(mentions(r.people.P01.reasons.GIAY_KHEN, "Lao động tiên tiến"), "lý do nêu LDTT")
end)
