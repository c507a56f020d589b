-- rules/2025/nominations.lua — the commendation lists (danh sách đề nghị khen
-- thưởng) drawn up at year end: GIAY_KHEN, decided by the Director, and
-- BANG_KHEN, which the department proposes to the Minister.
--
-- Nominations are evaluated after all titles, for units and persons alike.
-- Commendations are decided once a year, so in the six-month period both
-- lists fail with a reason saying so. Not encoded here (the Office checks them
-- by hand): no award while a disciplinary review, inspection or complaint
-- about the subject is open.
--
-- One achievement, one form of reward (Luật Thi đua, khen thưởng 06/2022/QH15,
-- Điều 5 khoản 2 điểm c: "không khen thưởng nhiều lần, nhiều hình thức cho một
-- thành tích đạt được"). A person's Giấy khen and CSTDCS reward the same
-- achievement of the same year (LDTT with an initiative or an HTXS rating), so
-- the choice made here: CSTDCS, the higher, is proposed, and that person is
-- not on this year's GIAY_KHEN list (the reason says why; if the council does
-- not elect the person CSTDCS, the Office may then propose the Giấy khen).
-- Bằng khen is not affected: it rewards two years, not this year's achievement.

local YEAR_END_ONLY = "Chỉ xét khen thưởng khi tổng kết năm (kỳ cả năm), không xét ở kỳ sáu tháng"

local ONE_FORM_PER_ACHIEVEMENT = "Thành tích năm nay đã được đề nghị danh hiệu Chiến sĩ thi đua cơ sở: "
  .. "không khen thưởng nhiều hình thức cho một thành tích (Luật Thi đua, khen thưởng 2022, "
  .. "Điều 5 khoản 2 điểm c); nếu Hội đồng không bình bầu Chiến sĩ thi đua cơ sở thì xét Giấy khen"

-- The conduct both routes of the Bằng khen demand ("gương mẫu chấp hành tốt chủ
-- trương, chính sách của Đảng, pháp luật của Nhà nước", Luật TĐKT 2022, Điều 74
-- khoản 1): the criteria on conduct that LDTT requires, so the second route asks
-- what the first (CSTDCS, hence LDTT) already does. A person disciplined this
-- year fails CN5 and so both routes.
local CONDUCT = {
  CN3 = "tinh thần trách nhiệm, nêu gương",
  CN4 = "chấp hành sự phân công, điều động",
  CN5 = "chấp hành pháp luật, kỷ luật, kỷ cương",
  CN6 = "hưởng ứng phong trào thi đua",
}
local CONDUCT_ORDER = { "CN3", "CN4", "CN5", "CN6" }

-- Persons carry `is_head`; units carry `kind` instead.
local function is_person(s)
  return type(s.is_head) == "boolean"
end

local function verdict(reasons)
  if #reasons == 0 then return true end
  return false, reasons
end

-- Giấy khen: exemplary (holds the title), rated HTT or better (implied by the
-- title), and a recognised achievement in the movement.
--   person: LDTT, and an initiative recognised (CN2) or rated HTXS;
--   unit:   TTLDTT, and at least one exemplary model (TT5).
nomination "GIAY_KHEN" {
  name = "Giấy khen của Giám đốc Sở", decided_by = "Giám đốc Sở",
  subjects = { "unit", "person" },
  check = function(s, f, ctx)
    if ctx.period_kind ~= "Y" then return false, YEAR_END_ONLY end
    local reasons = {}
    if is_person(s) then
      if not ctx:has("LDTT") then                     -- Luật TĐKT 2022, Điều 75 (gương mẫu, HTT trở lên)
        reasons[#reasons + 1] = "Chưa đạt danh hiệu Lao động tiên tiến"
      end
      if not ctx:passed("CN2") and f.rating ~= "HTXS" then  -- Điều 75: thành tích được bình xét
        reasons[#reasons + 1] = "Chưa có thành tích được công nhận: không có sáng kiến, đề tài, giải pháp và không xếp loại Hoàn thành xuất sắc nhiệm vụ"
      end
      if ctx:has("CSTDCS") then                        -- Điều 5 khoản 2 điểm c: một thành tích, một hình thức
        reasons[#reasons + 1] = ONE_FORM_PER_ACHIEVEMENT
      end
    else
      if not ctx:has("TTLDTT") then
        reasons[#reasons + 1] = "Chưa đạt danh hiệu Tập thể lao động tiên tiến"
      end
      if not ctx:passed("TT5") then
        reasons[#reasons + 1] = "Chưa có điển hình tiên tiến được phát hiện, bồi dưỡng"
      end
    end
    return verdict(reasons)
  end,
}

-- Bằng khen of the Minister: two consecutive years of achievement. Last year's titles
-- are read by ctx:held(code, 1): the titles imported for the years before the system
-- (`thiduad import titles`) and last year's stored year-end results. The optional
-- previous_year_* facts stay for what is not stored (a rating, initiatives) and for a
-- unit that declares last year itself (absent = no).
--   person: CSTDCS this year and last; or HTXS both years with at least 2
--           initiatives over the two years;
--   unit:   TTLDXS this year, and last year TTLDXS or rated HTXS.
nomination "BANG_KHEN" {
  name = "Bằng khen của Bộ trưởng", decided_by = "Giám đốc Sở đề nghị Bộ trưởng",
  subjects = { "unit", "person" },
  check = function(s, f, ctx)
    if ctx.period_kind ~= "Y" then return false, YEAR_END_ONLY end
    if is_person(s) then
      local reasons = {}
      for _, id in ipairs(CONDUCT_ORDER) do            -- Điều 74 khoản 1: both routes
        if not ctx:passed(id) then
          reasons[#reasons + 1] = string.format(
            "Chưa bảo đảm gương mẫu chấp hành: không đạt tiêu chí %s (%s)", id, CONDUCT[id])
        end
      end
      -- Route 1 (Điều 74 khoản 1, CSTDCS 2 năm liên tục); route 2 (2 năm HTXS, 2 sáng kiến).
      local initiatives = (f.initiatives or 0) + (f.previous_year_initiatives or 0)
      local route1 = ctx:has("CSTDCS") and (ctx:held("CSTDCS", 1) or f.previous_year_cstdcs)
      local route2 = f.rating == "HTXS" and f.previous_year_rating == "HTXS" and initiatives >= 2
      if not (route1 or route2) then
        reasons[#reasons + 1] = "Chưa đạt Chiến sĩ thi đua cơ sở 2 năm liên tục"
        reasons[#reasons + 1] = "Chưa đạt 2 năm liên tục Hoàn thành xuất sắc nhiệm vụ với ít nhất 2 sáng kiến, đề tài, giải pháp"
      end
      return verdict(reasons)
    end
    local reasons = {}
    if not ctx:has("TTLDXS") then
      reasons[#reasons + 1] = "Chưa đạt danh hiệu Tập thể lao động xuất sắc năm nay"
    end
    if not (ctx:held("TTLDXS", 1) or f.previous_year_ttldxs)
        and f.previous_year_unit_rating ~= "HTXS" then
      reasons[#reasons + 1] = "Năm trước chưa đạt Tập thể lao động xuất sắc hoặc Hoàn thành xuất sắc nhiệm vụ"
    end
    return verdict(reasons)
  end,
}
