-- rules/2025/tests/test_titles.lua — self-tests of the titles LDTT, CSTDCS,
-- TTLDTT and TTLDXS: each condition on both sides of its boundary, and the
-- evaluation order (a head loses LDTT when the unit is not TTLDXS, and the 70 %
-- share counts the members' LDTT after that: a fixed point).

local MISSING = {}  -- as a value in `changes`: the fact is not reported

local function apply(facts, changes)
  for name, value in pairs(changes or {}) do
    if value == MISSING then facts[name] = nil else facts[name] = value end
  end
  return facts
end

-- Facts of a person who meets CN1 and CN3–CN6 and worked the whole year:
-- LDTT, but not CSTDCS (rated HTT, no initiative).
local function ldtt_facts(changes)
  return apply({
    rating = "HTT", months_worked = 12, initiatives = 0,
    responsibility = true, obeys_assignment = true, movement_participation = true,
    discipline = "none",
  }, changes)
end

-- Facts of a unit meeting TT1–TT6, rated HTXS.
local function unit_facts(changes)
  return apply({
    response_plan = true, work_programme_approved = true, tasks_assigned = 20, tasks_completed = 20,
    legal_docs_assigned = 2, legal_docs_completed = 2, restructuring_on_time = true,
    discipline_violations = 0, exemplary_models = 1, internal_solidarity = true, unit_rating = "HTXS",
  }, changes)
end

-- `size` members P01…: P01 is the head, rated HTXS (so CSTDCS); the first
-- `ldtt` members are LDTT, the others are rated HT (they complete their
-- duties but are not LDTT).
local function team(size, ldtt)
  local members = {}
  for i = 1, size do
    local facts = ldtt_facts()
    if i == 1 then facts.rating = "HTXS" end
    if i > ldtt then facts.rating = "HT" end
    members[i] = { code = string.format("P%02d", i), is_head = (i == 1), facts = facts }
  end
  return members
end

local function evaluate_unit(t, members, changes, period)
  return t.evaluate_unit { period = period, unit = { code = "U1", facts = unit_facts(changes) }, members = members }
end

local function staff(t, changes)
  return t.evaluate_person { code = "P1", is_head = false, facts = ldtt_facts(changes) }
end

-- Does one of the reasons contain `text`?
local function mentions(reasons, text)
  for _, reason in ipairs(reasons or {}) do
    if reason:find(text, 1, true) then return true end
  end
  return false
end

----------------------------------------------------------------------- LDTT

test "LDTT: đạt CN1, CN3–CN6 và đủ 12 tháng thì đạt" (function(t)
  local r = staff(t)
  t.eq(r.titles.LDTT, true)
  t.eq(#(r.reasons.LDTT or {}), 0, "không có lý do")
end)

test "LDTT cần đủ 6 tháng công tác: 5 tháng không đạt, 6 tháng đạt" (function(t)
  local r = staff(t, { months_worked = 5 })
  t.eq(r.titles.LDTT, false, "5 tháng: không đạt LDTT")
  t.eq(r.criteria.CN1.passed, true)
  t.ok(mentions(r.reasons.LDTT, "6 tháng"), "lý do nêu 6 tháng")
  t.eq(staff(t, { months_worked = 6 }).titles.LDTT, true, "6 tháng: đạt")
end)

test "LDTT: tháng nghỉ thai sản được tính là thời gian công tác, lý do nói rõ" (function(t)
  local r = staff(t, { months_worked = 4, leave_months_counted = 2 })
  t.eq(r.titles.LDTT, true, "4 + 2 tháng: đủ 6 tháng")
  t.ok(mentions(r.reasons.LDTT, "kể cả 2 tháng nghỉ"), "lý do nêu tháng nghỉ được tính")
  r = staff(t, { months_worked = 3, leave_months_counted = 2 })
  t.eq(r.titles.LDTT, false, "3 + 2 tháng: dưới 6 tháng")
  t.ok(mentions(r.reasons.LDTT, "5 tháng (kể cả 2 tháng nghỉ"), "lý do nêu tổng và tháng nghỉ")
end)

test "LDTT theo kỳ: kỳ sáu tháng (hết 30/06) dẫn Nghị định 98/2023, cả năm dẫn Nghị định 152/2025" (function(t)
  local facts = ldtt_facts { months_worked = 4, leave_months_counted = 2 }
  local h1 = t.evaluate_person { period = "2025-H1", code = "P1", facts = facts }
  t.ok(mentions(h1.reasons.LDTT, "Nghị định 98/2023/NĐ-CP"), "kỳ sáu tháng: 98/2023")
  local y = t.evaluate_person { period = "2025-Y", code = "P1", facts = facts }
  t.ok(mentions(y.reasons.LDTT, "Nghị định 152/2025/NĐ-CP"), "cả năm: 152/2025")
  t.ok(not mentions(y.reasons.LDTT, "98/2023"), "cả năm không dẫn 98/2023")
end)

test "TTLDXS: người có tháng nghỉ được tính đủ 6 tháng thì phải được xếp loại" (function(t)
  local members = team(10, 10)
  members[8].facts.rating = nil
  members[8].facts.months_worked = 4
  members[8].facts.leave_months_counted = 2
  local r = evaluate_unit(t, members)
  t.eq(r.unit.titles.TTLDXS, false, "4 + 2 tháng: thuộc diện xếp loại")
  t.ok(mentions(r.unit.reasons.TTLDXS, "Chưa báo cáo xếp loại của: P08"), "lý do nêu P08")
end)

test "LDTT: chưa báo cáo số tháng công tác thì không đạt" (function(t)
  local r = staff(t, { months_worked = MISSING })
  t.eq(r.titles.LDTT, false)
  t.ok(mentions(r.reasons.LDTT, "Chưa báo cáo: " .. t.label("months_worked")), "lý do là chưa báo cáo")
end)

test "LDTT không đòi hỏi sáng kiến (CN2)" (function(t)
  local r = staff(t, { initiatives = 0 })
  t.eq(r.criteria.CN2.passed, false)
  t.eq(r.titles.LDTT, true)
end)

test "LDTT: mỗi tiêu chí CN1, CN3–CN6 không đạt đều làm mất danh hiệu" (function(t)
  t.eq(staff(t, { rating = "HT" }).titles.LDTT, false, "CN1: xếp loại HT")
  t.eq(staff(t, { responsibility = false }).titles.LDTT, false, "CN3")
  t.eq(staff(t, { obeys_assignment = false }).titles.LDTT, false, "CN4")
  t.eq(staff(t, { discipline = "khien_trach" }).titles.LDTT, false, "CN5: khiển trách")
  t.eq(staff(t, { movement_participation = false }).titles.LDTT, false, "CN6")
  t.ok(#staff(t, { rating = "HT" }).reasons.LDTT >= 1, "có lý do")
end)

test "LDTT: người đứng đầu không thuộc đơn vị nào không đạt (CN7)" (function(t)
  local r = t.evaluate_person { code = "P1", is_head = true, facts = ldtt_facts { rating = "HTXS" } }
  t.eq(r.criteria.CN7.passed, false)
  t.eq(r.titles.LDTT, false)
  t.eq(r.titles.CSTDCS, false, "không LDTT thì không CSTDCS")
end)

test "LDTT được xét tạm ở kỳ sáu tháng" (function(t)
  local r = t.evaluate_person { period = "2025-H1", code = "P1", is_head = false,
    facts = ldtt_facts { months_worked = 6 } }
  t.eq(r.titles.LDTT, true)
end)

--------------------------------------------------------------------- CSTDCS

test "CSTDCS: LDTT và xếp loại Hoàn thành xuất sắc thì đạt" (function(t)
  t.eq(staff(t, { rating = "HTXS", initiatives = 0 }).titles.CSTDCS, true)
end)

test "CSTDCS: LDTT và có một sáng kiến được công nhận thì đạt" (function(t)
  t.eq(staff(t, { rating = "HTT", initiatives = 1 }).titles.CSTDCS, true)
end)

test "CSTDCS: LDTT, Hoàn thành tốt, không sáng kiến thì không đạt" (function(t)
  local r = staff(t, { rating = "HTT", initiatives = 0 })
  t.eq(r.titles.LDTT, true)
  t.eq(r.titles.CSTDCS, false)
  t.ok(mentions(r.reasons.CSTDCS, "sáng kiến"), "lý do nêu sáng kiến")
end)

test "CSTDCS: chưa đạt LDTT thì không đạt dù xuất sắc và có sáng kiến" (function(t)
  local r = staff(t, { rating = "HTXS", initiatives = 2, months_worked = 5 })
  t.eq(r.titles.LDTT, false)
  t.eq(r.titles.CSTDCS, false)
  t.ok(mentions(r.reasons.CSTDCS, "Lao động tiên tiến"), "lý do nêu LDTT")
end)

--------------------------------------------------------- TTLDTT and TTLDXS

test "Tập thể tốt: 10/10 LDTT, có CSTDCS, xếp loại HTXS → TTLDTT và TTLDXS" (function(t)
  local r = evaluate_unit(t, team(10, 10))
  t.eq(r.unit.score, t.points_of("unit"))
  t.eq(r.unit.titles.TTLDTT, true)
  t.eq(r.unit.titles.TTLDXS, true)
  t.eq(r.people.P01.titles.LDTT, true, "người đứng đầu giữ LDTT")
  t.eq(r.people.P01.titles.CSTDCS, true, "người đứng đầu đạt CSTDCS")
  t.eq(r.people.P02.titles.CSTDCS, false, "nhân viên HTT không sáng kiến")
end)

test "Tỷ lệ LDTT đúng 70% (7/10) thì đạt" (function(t)
  local r = evaluate_unit(t, team(10, 7))
  t.eq(r.unit.titles.TTLDTT, true)
  t.eq(r.unit.titles.TTLDXS, true)
end)

test "Tỷ lệ LDTT 69,2% (9/13) thì không đạt" (function(t)
  local r = evaluate_unit(t, team(13, 9))
  t.eq(r.unit.titles.TTLDTT, false)
  t.eq(r.unit.titles.TTLDXS, false)
  -- 9/13 before CN7; the unit is not TTLDXS, so the head (P01) loses LDTT: 8/13.
  t.ok(mentions(r.unit.reasons.TTLDTT, "8/13"), "lý do nêu 8/13 (sau CN7)")
  t.ok(mentions(r.unit.reasons.TTLDXS, "dưới 70%"), "lý do nêu ngưỡng 70%")
end)

test "Tỷ lệ LDTT sát ngưỡng: 14/20 đạt, 16/23 (69,6%) không đạt, 6/10 không đạt" (function(t)
  t.eq(evaluate_unit(t, team(20, 14)).unit.titles.TTLDTT, true, "14/20 = 70%")
  t.eq(evaluate_unit(t, team(23, 16)).unit.titles.TTLDTT, false, "16/23 = 69,6%")
  t.eq(evaluate_unit(t, team(10, 6)).unit.titles.TTLDTT, false, "6/10 = 60%")
end)

test "Tập thể chưa có cá nhân nào thì không đạt danh hiệu" (function(t)
  local r = evaluate_unit(t, {})
  t.eq(r.unit.score, t.points_of("unit"), "tiêu chí vẫn được chấm")
  t.eq(r.unit.titles.TTLDTT, false)
  t.eq(r.unit.titles.TTLDXS, false)
  t.ok(mentions(r.unit.reasons.TTLDTT, "Chưa có danh sách cá nhân"), "lý do nêu danh sách")
end)

test "Người đứng đầu mất LDTT khi tập thể không đạt TTLDXS" (function(t)
  local r = evaluate_unit(t, team(10, 10), { unit_rating = "HTT" })
  t.eq(r.unit.titles.TTLDTT, true)
  t.eq(r.unit.titles.TTLDXS, false)
  t.eq(r.people.P01.criteria.CN7.passed, false)
  t.eq(r.people.P01.titles.LDTT, false, "người đứng đầu mất LDTT")
  t.eq(r.people.P01.titles.CSTDCS, false, "và mất CSTDCS")
  t.eq(r.people.P02.titles.LDTT, true, "nhân viên vẫn giữ LDTT")
end)

test "Tỷ lệ 70% tính LDTT sau CN7: người đứng đầu mất LDTT thì 6/10, tập thể không đạt TTLDTT" (function(t)
  -- Head + 6 rated HTT + 3 HT, the unit rated HTT: 7/10 with the head's LDTT,
  -- but the unit is not TTLDXS, so CN7 takes the head's LDTT away: 6/10.
  local r = evaluate_unit(t, team(10, 7), { unit_rating = "HTT" })
  t.eq(r.people.P01.titles.LDTT, false, "người đứng đầu mất LDTT do CN7")
  t.eq(r.unit.titles.TTLDTT, false, "6/10 sau CN7: không đạt TTLDTT")
  t.ok(mentions(r.unit.reasons.TTLDTT, "6/10"), "lý do của tập thể nêu 6/10")
  t.ok(mentions(r.people.P01.reasons.LDTT, "Không đạt tiêu chí CN7"), "lý do của người đứng đầu nêu CN7")
  t.ok(mentions(r.people.P01.reasons.LDTT, "chưa được xếp loại Hoàn thành xuất sắc"),
    "và nêu vì sao tập thể không đạt TTLDXS")
  t.eq(r.people.P02.titles.LDTT, true, "nhân viên giữ LDTT")
end)

test "Tỷ lệ 70% sau CN7: 8/10 thì người đứng đầu mất LDTT mà tập thể vẫn TTLDTT (7/10)" (function(t)
  local r = evaluate_unit(t, team(10, 8), { unit_rating = "HTT" })
  t.eq(r.people.P01.titles.LDTT, false, "người đứng đầu mất LDTT do CN7")
  t.eq(r.unit.titles.TTLDTT, true, "7/10 sau CN7: vẫn đạt")
end)

test "Người đứng đầu giữ LDTT khi tập thể đạt TTLDXS đúng ngưỡng 7/10" (function(t)
  local r = evaluate_unit(t, team(10, 7))
  t.eq(r.unit.titles.TTLDXS, true)
  t.eq(r.people.P01.titles.LDTT, true, "tập thể TTLDXS: CN7 đạt")
end)

test "TTLDTT: cá nhân bị khiển trách không cản; bị cảnh cáo thì không đạt" (function(t)
  local members = team(10, 10)
  members[5].facts.discipline = "khien_trach"
  members[5].facts.rating = "KHT"
  local r = evaluate_unit(t, members, { unit_rating = "HTT" })
  t.eq(r.people.P05.titles.LDTT, false, "người bị khiển trách không đạt LDTT")
  t.eq(r.unit.titles.TTLDTT, true, "khiển trách: 9/10 LDTT, vẫn đạt")

  members[5].facts.discipline = "canh_cao"
  r = evaluate_unit(t, members, { unit_rating = "HTT" })
  t.eq(r.unit.titles.TTLDTT, false, "cảnh cáo: không đạt")
  t.ok(mentions(r.unit.reasons.TTLDTT, "cảnh cáo trở lên: P05"), "lý do nêu người bị kỷ luật")
end)

test "TTLDTT và TTLDXS: hạ bậc lương, cách chức, buộc thôi việc đều cản" (function(t)
  for _, form in ipairs { "ha_bac", "cach_chuc", "buoc_thoi_viec" } do
    local members = team(10, 10)
    members[10].facts.discipline = form
    local r = evaluate_unit(t, members)
    t.eq(r.unit.titles.TTLDTT, false, form)
    t.eq(r.unit.titles.TTLDXS, false, form)
  end
end)

test "TTLDTT: chưa báo cáo kỷ luật của một cá nhân thì chưa công nhận" (function(t)
  local members = team(10, 10)
  members[3].facts.discipline = nil
  local r = evaluate_unit(t, members)
  t.eq(r.unit.titles.TTLDTT, false)
  t.ok(mentions(r.unit.reasons.TTLDTT, "Chưa báo cáo hình thức kỷ luật của: P03"), "lý do nêu P03")
end)

test "TTLDTT: tập thể xếp loại Hoàn thành tốt đạt, Hoàn thành thì không" (function(t)
  t.eq(evaluate_unit(t, team(10, 10), { unit_rating = "HTT" }).unit.titles.TTLDTT, true, "HTT")
  local r = evaluate_unit(t, team(10, 10), { unit_rating = "HT" })
  t.eq(r.unit.titles.TTLDTT, false, "HT")
  t.eq(r.unit.titles.TTLDXS, false, "HT")
  t.ok(mentions(r.unit.reasons.TTLDTT, "Hoàn thành tốt nhiệm vụ trở lên"), "lý do nêu xếp loại")
end)

test "TTLDTT và TTLDXS: chưa báo cáo xếp loại tập thể thì không đạt" (function(t)
  local r = evaluate_unit(t, team(10, 10), { unit_rating = MISSING })
  t.eq(r.unit.titles.TTLDTT, false)
  t.eq(r.unit.titles.TTLDXS, false)
  t.ok(mentions(r.unit.reasons.TTLDXS, "Chưa báo cáo: " .. t.label("unit_rating")), "lý do là chưa báo cáo")
end)

test "TTLDTT và TTLDXS: mỗi tiêu chí TT1–TT6 không đạt đều cản" (function(t)
  local cases = {
    TT1 = { response_plan = false }, TT2 = { legal_docs_completed = 1 },
    TT3 = { restructuring_on_time = false }, TT4 = { discipline_violations = 2 },
    TT5 = { exemplary_models = 0 }, TT6 = { internal_solidarity = false },
  }
  for id, changes in pairs(cases) do
    local r = evaluate_unit(t, team(10, 10), changes)
    t.eq(r.unit.criteria[id].passed, false, id)
    t.eq(r.unit.titles.TTLDTT, false, id .. " → TTLDTT")
    t.eq(r.unit.titles.TTLDXS, false, id .. " → TTLDXS")
  end
end)

test "TTLDXS: tập thể chỉ xếp loại Hoàn thành tốt thì không đạt" (function(t)
  local r = evaluate_unit(t, team(10, 10), { unit_rating = "HTT" })
  t.eq(r.unit.titles.TTLDXS, false)
  t.ok(mentions(r.unit.reasons.TTLDXS, "Hoàn thành xuất sắc"), "lý do nêu xếp loại")
end)

test "TTLDXS: một cá nhân Không hoàn thành nhiệm vụ thì không đạt" (function(t)
  local members = team(10, 10)
  members[7].facts.rating = "KHT"
  local r = evaluate_unit(t, members)
  t.eq(r.unit.titles.TTLDTT, true, "9/10 LDTT, không ai bị kỷ luật: vẫn TTLDTT")
  t.eq(r.unit.titles.TTLDXS, false)
  t.ok(mentions(r.unit.reasons.TTLDXS, "Không hoàn thành nhiệm vụ: P07"), "lý do nêu P07")
end)

test "TTLDXS: cá nhân Hoàn thành nhiệm vụ (HT) không cản" (function(t)
  local r = evaluate_unit(t, team(10, 8))
  t.eq(r.people.P09.titles.LDTT, false, "P09 xếp loại HT")
  t.eq(r.unit.titles.TTLDXS, true)
end)

test "TTLDXS: cá nhân chưa được xếp loại cản, trừ người công tác dưới 6 tháng" (function(t)
  local members = team(10, 10)
  members[8].facts.rating = nil
  local r = evaluate_unit(t, members)
  t.eq(r.unit.titles.TTLDXS, false, "đủ 12 tháng mà chưa xếp loại")
  t.ok(mentions(r.unit.reasons.TTLDXS, "Chưa báo cáo xếp loại của: P08"), "lý do nêu P08")

  members[8].facts.months_worked = 4
  r = evaluate_unit(t, members)
  t.eq(r.unit.titles.TTLDXS, true, "4 tháng: không thuộc diện xếp loại, 9/10 LDTT")
end)

test "TTLDXS: không có ai đạt CSTDCS thì không đạt" (function(t)
  local members = team(10, 10)
  members[1].facts.rating = "HTT"   -- the head was the only CSTDCS
  local r = evaluate_unit(t, members)
  t.eq(r.unit.titles.TTLDTT, true)
  t.eq(r.unit.titles.TTLDXS, false)
  t.ok(mentions(r.unit.reasons.TTLDXS, "Chiến sĩ thi đua cơ sở"), "lý do nêu CSTDCS")
end)

test "TTLDXS: một CSTDCS là đủ, kể cả người không phải người đứng đầu" (function(t)
  local members = team(10, 10)
  members[1].facts.rating = "HTT"
  members[4].facts.initiatives = 1
  local r = evaluate_unit(t, members)
  t.eq(r.people.P04.titles.CSTDCS, true)
  t.eq(r.unit.titles.TTLDXS, true)
  t.eq(r.people.P01.titles.LDTT, true, "tập thể TTLDXS: người đứng đầu giữ LDTT")
end)

test "Kỳ sáu tháng: danh hiệu tập thể được xét tạm như cả năm" (function(t)
  local members = team(10, 7)
  for _, m in ipairs(members) do m.facts.months_worked = 6 end
  local r = evaluate_unit(t, members, nil, "2025-H1")
  t.eq(r.unit.titles.TTLDTT, true)
  t.eq(r.unit.titles.TTLDXS, true)
end)
