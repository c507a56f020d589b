-- rules/2025/criteria_ca_nhan.lua — criteria for individuals (tiêu chí đối với
-- cá nhân): CN1–CN6 for everyone, CN7 for heads of units (người đứng đầu), one
-- per item of part II.2 of the 2025 plan.
--
-- Each `title` is the plan's wording, verbatim. CN1–CN6 add up to 100 points.
-- CN7 is worth 0: it is a condition of the titles for heads, not an
-- achievement, so heads and staff are ranked on the same scale. A fact not
-- reported yet (nil) fails its criterion with "Chưa báo cáo: <label>".

local RATING_NAME = {
  HTXS = "Hoàn thành xuất sắc nhiệm vụ",
  HTT = "Hoàn thành tốt nhiệm vụ",
  HT = "Hoàn thành nhiệm vụ",
  KHT = "Không hoàn thành nhiệm vụ",
}

local DISCIPLINE_NAME = {
  khien_trach = "khiển trách",
  canh_cao = "cảnh cáo",
  ha_bac = "hạ bậc lương",
  cach_chuc = "cách chức",
  buoc_thoi_viec = "buộc thôi việc",
}

-- "Chưa báo cáo: <label>", the label as facts.lua declares it.
local function unreported(name)
  return "Chưa báo cáo: " .. fact_label(name)
end

-- A check for a yes/no fact: passes when it is true, fails with `no` when false.
local function yes(name, no)
  return function(_, f)
    if f[name] == nil then return false, unreported(name) end
    if f[name] then return true end
    return false, no
  end
end

-- Source: plan part II.2 item 1; rating HTT or better is LDTT's condition in
-- Luật TĐKT 2022, Điều 24 (check the article number).
criterion "CN1" {
  subject = "person", points = 20,
  title = "Hoàn thành tốt nhiệm vụ được giao trở lên.",
  check = function(_, f)
    if f.rating == nil then return false, unreported("rating") end
    if f.rating == "HTXS" or f.rating == "HTT" then return true end
    return false, "Xếp loại " .. RATING_NAME[f.rating] .. ", chưa đạt mức Hoàn thành tốt nhiệm vụ trở lên"
  end,
}

-- Source: plan part II.2 item 2; an initiative recognised is one route to CSTDCS
-- (Luật TĐKT 2022, Điều 23 — check the article number).
criterion "CN2" {
  subject = "person", points = 15,
  title = "Có sáng kiến cải tiến kỹ thuật hoặc đề tài nghiên cứu khoa học công nghệ, giải pháp đổi mới, sáng tạo, để nâng cao chất lượng, hiệu quả công tác.",
  check = function(_, f)
    if f.initiatives == nil then return false, unreported("initiatives") end
    if f.initiatives >= 1 then return true end
    return false, "Chưa có sáng kiến, đề tài hoặc giải pháp được công nhận"
  end,
}

-- Source: plan part II.2 item 3.
criterion "CN3" {
  subject = "person", points = 15,
  title = "Có tinh thần trách nhiệm cao, chủ động tuyên truyền, phát huy tính nêu gương của cán bộ, đảng viên, tạo sự đồng thuận, đoàn kết, thống nhất trong thực hiện chủ trương của Đảng, Nhà nước về sắp xếp, tinh gọn tổ chức bộ máy của hệ thống chính trị.",
  check = yes("responsibility", "Chưa thể hiện tinh thần trách nhiệm cao, tính nêu gương"),
}

-- Source: plan part II.2 item 4.
criterion "CN4" {
  subject = "person", points = 15,
  title = "Chấp hành nghiêm sự phân công, điều động, sắp xếp, bố trí của cơ quan, tổ chức, đơn vị, vì lợi ích chung, hy sinh lợi ích cá nhân (nếu có) trong quá trình sắp xếp, kiện toàn tổ chức bộ máy.",
  check = yes("obeys_assignment", "Chưa chấp hành nghiêm sự phân công, điều động, sắp xếp, bố trí"),
}

-- Source: plan part II.2 item 5. Choice: any discipline fails it (the law rates a
-- person disciplined in the year KHT, so LDTT could not be held anyway).
-- Any discipline during the year, even khiển trách, fails CN5 (and so LDTT).
criterion "CN5" {
  subject = "person", points = 20,
  title = "Chấp hành tốt chủ trương, chính sách của Đảng, pháp luật của Nhà nước, kỷ luật, kỷ cương hành chính, quy định văn hóa công sở, nội quy, quy chế của cơ quan, đơn vị.",
  check = function(_, f)
    if f.discipline == nil then return false, unreported("discipline") end
    if f.discipline == "none" then return true end
    return false, "Bị kỷ luật trong năm (hình thức " .. DISCIPLINE_NAME[f.discipline] .. ")"
  end,
}

-- Source: plan part II.2 item 6; "takes part in the movement" in Luật TĐKT 2022, Điều 24.
criterion "CN6" {
  subject = "person", points = 15,
  title = "Tích cực hưởng ứng các phong trào thi đua, nhất là các phong trào thi đua gắn với các nhiệm vụ chính trị của cơ quan.",
  check = yes("movement_participation", "Chưa tích cực hưởng ứng các phong trào thi đua"),
}

-- Heads only. Decided after the unit's titles (engine step 3): a head whose
-- unit is not TTLDXS fails CN7 and so loses LDTT and CSTDCS; the reason quotes
-- why the unit is not TTLDXS, so the head reads why the LDTT fell. The engine
-- then decides the unit's titles again over the members' final titles (the
-- head's lost LDTT may take the unit under 70 %), until nothing changes.
-- Source: plan part II.2, item for heads (plan's own rule, not the law's).
criterion "CN7" {
  subject = "person", points = 0,
  title = "Đối với cá nhân là người đứng đầu các phòng, đơn vị: ngoài các tiêu chí nêu trên, tập thể phòng, đơn vị phải là tập thể lao động xuất sắc.",
  after = { "TTLDXS" },
  applies = function(s) return s.is_head == true end,
  check = function(_, _, ctx)
    local unit = ctx:unit()
    if unit and unit.titles and unit.titles.TTLDXS then return true end
    local reason = "Là người đứng đầu nhưng tập thể phòng, đơn vị chưa đạt danh hiệu Tập thể lao động xuất sắc"
    local why = unit and unit.reasons and unit.reasons.TTLDXS
    if why and #why > 0 then reason = reason .. " (" .. table.concat(why, "; ") .. ")" end
    return false, reason
  end,
}
