-- rules/2025/criteria_tap_the.lua — criteria for collectives (tiêu chí đối với
-- tập thể), TT1–TT6: one per item of part II.1 of the 2025 plan.
--
-- Each `title` is the plan's wording, verbatim. Points add up to 100, the
-- score units are ranked by. A fact not reported yet (nil) fails its
-- criterion with "Chưa báo cáo: <label>".

-- "Chưa báo cáo: …" for the facts of `names` that are nil, or nil if all are in; the
-- labels are facts.lua's (fact_label).
local function unreported(f, names)
  local gaps = {}
  for _, name in ipairs(names) do
    if f[name] == nil then gaps[#gaps + 1] = fact_label(name) end
  end
  if #gaps == 0 then return nil end
  return "Chưa báo cáo: " .. table.concat(gaps, "; ")
end

-- "Hoàn thành tốt các nhiệm vụ" (plan, part II.1, TT2): the share of the year's assigned
-- tasks that makes a collective's work "tốt". The plan asks 100 % only of the legal-document
-- drafting tasks; for the others it says "hoàn thành tốt", which the plan does not count.
-- Default 80 %: the share Nghị định 90/2020/NĐ-CP uses for a collective rated "Hoàn thành
-- tốt nhiệm vụ" (at least 80 % of its tasks completed on quality and on time; check the
-- article against the text in force). The Office may set its own share here.
local TASKS_GOOD_SHARE = 0.8

-- Why `done` of `assigned` tasks falls short of `share` (1 = all of them), or nil when it
-- does not (0 of 0 is 100 %). More done than assigned is a reporting error, not an
-- achievement.
local function completion_gap(what, done, assigned, share)
  if done > assigned then
    return string.format("Số liệu không hợp lệ: số %s đã hoàn thành (%d) lớn hơn số được giao (%d)",
      what, done, assigned)
  elseif done < assigned * share then
    return string.format("Mới hoàn thành %d/%d %s (yêu cầu %d%%)", done, assigned, what,
      math.floor(share * 100 + 0.5))
  end
  return nil
end

-- Source: plan part II.1 item 1 (responding to and launching the movement).
criterion "TT1" {
  subject = "unit", points = 15,
  title = "Có kế hoạch/văn bản hưởng ứng, phát động phong trào thi đua thiết thực, hiệu quả gắn với các nhiệm vụ chính trị của phòng, đơn vị.",
  check = function(_, f)
    local gap = unreported(f, { "response_plan" })
    if gap then return false, gap end
    if f.response_plan then return true end
    return false, "Chưa có kế hoạch/văn bản hưởng ứng, phát động phong trào thi đua"
  end,
}

-- Source: plan part II.1 item 2; the 80 % share is the choice above (Nghị định 90/2020/NĐ-CP).
-- All assigned tasks done, and 100 % of the legal-document drafting tasks.
criterion "TT2" {
  subject = "unit", points = 20,
  title = "Có chương trình, kế hoạch công tác của năm được xây dựng, phê duyệt theo quy định; hoàn thành tốt các nhiệm vụ thuộc các chương trình, kế hoạch công tác được giao trong năm, bảo đảm chất lượng, tiến độ, hiệu quả, trong đó cần hoàn thành 100% các nhiệm vụ được giao thuộc chương trình xây dựng văn bản quy phạm pháp luật do Sở Tài nguyên và Môi trường chủ trì tham mưu.",
  check = function(_, f)
    local gap = unreported(f, { "work_programme_approved", "tasks_assigned", "tasks_completed",
      "legal_docs_assigned", "legal_docs_completed" })
    if gap then return false, gap end
    local problems = {}
    if not f.work_programme_approved then
      problems[#problems + 1] = "Chương trình, kế hoạch công tác năm chưa được phê duyệt theo quy định"
    end
    -- completion_gap returns nil when the target is met, which appends nothing
    problems[#problems + 1] = completion_gap("nhiệm vụ được giao", f.tasks_completed,
      f.tasks_assigned, TASKS_GOOD_SHARE)
    problems[#problems + 1] = completion_gap("nhiệm vụ xây dựng văn bản quy phạm pháp luật",
      f.legal_docs_completed, f.legal_docs_assigned, 1)
    if #problems == 0 then return true end
    return false, table.concat(problems, "; ")
  end,
}

-- Source: plan part II.1 item 3 (restructuring the apparatus on time).
criterion "TT3" {
  subject = "unit", points = 20,
  title = "Thực hiện nghiêm túc, kịp thời, hoàn thành đúng tiến độ công tác kiện toàn, tinh gọn tổ chức bộ máy của cơ quan gắn với việc sắp xếp, tinh giản biên chế, cơ cấu lại, nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức theo phương án sắp xếp, tinh gọn tổ chức bộ máy, bảo đảm không làm ảnh hưởng đến kết quả thực hiện nhiệm vụ của cơ quan, đơn vị được cấp có thẩm quyền giao.",
  check = function(_, f)
    local gap = unreported(f, { "restructuring_on_time" })
    if gap then return false, gap end
    if f.restructuring_on_time then return true end
    return false, "Chưa hoàn thành đúng tiến độ việc kiện toàn, tinh gọn tổ chức bộ máy"
  end,
}

-- Source: plan part II.1 item 4 (administrative discipline, office culture).
criterion "TT4" {
  subject = "unit", points = 15,
  title = "Thực hiện nghiêm kỷ cương, kỷ luật hành chính, nếp sống văn hóa công sở, đạo đức công vụ trong giao tiếp, hội họp và thực thi công vụ.",
  check = function(_, f)
    local gap = unreported(f, { "discipline_violations" })
    if gap then return false, gap end
    if f.discipline_violations == 0 then return true end
    return false, string.format("Có %d vụ vi phạm kỷ cương, kỷ luật hành chính, văn hóa công sở",
      f.discipline_violations)
  end,
}

-- Source: plan part II.1 item 5 (exemplary models found and fostered).
criterion "TT5" {
  subject = "unit", points = 15,
  title = "Phát hiện, bồi dưỡng điển hình tiên tiến thông qua các phong trào thi đua; nhất là các tập thể, cá nhân có thành tích xuất sắc, tiêu biểu, có sản phẩm cụ thể, dám nghĩ, dám làm, năng động, sáng tạo, có nhiều sáng kiến, kinh nghiệm hay trong thực hiện nhiệm vụ.",
  check = function(_, f)
    local gap = unreported(f, { "exemplary_models" })
    if gap then return false, gap end
    if f.exemplary_models >= 1 then return true end
    return false, "Chưa phát hiện, bồi dưỡng được điển hình tiên tiến nào"
  end,
}

-- Source: plan part II.1 item 6; solidarity is also a condition of TTLDTT/TTLDXS
-- in Luật Thi đua, khen thưởng 2022 (Điều 27, 28 — check the article numbers).
criterion "TT6" {
  subject = "unit", points = 15,
  title = "Nội bộ đoàn kết; thực hiện tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước; nâng cao đời sống vật chất, tinh thần của công chức, viên chức và người lao động.",
  check = function(_, f)
    local gap = unreported(f, { "internal_solidarity" })
    if gap then return false, gap end
    if f.internal_solidarity then return true end
    return false, "Nội bộ chưa đoàn kết"
  end,
}
