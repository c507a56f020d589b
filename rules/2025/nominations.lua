-- rules/2025/nominations.lua — the commendation lists (danh sách đề nghị khen
-- thưởng) drawn up at year end: GIAY_KHEN, decided by the Director, and
-- BANG_KHEN, which the department proposes to the Minister.
--
-- Nominations are evaluated after all titles, for units and persons alike.
-- Commendations are decided once a year, so in the six-month period both
-- lists fail with a reason saying so. Not encoded here (the Office checks them
-- by hand): one achievement is rewarded once (e.g. a person on the CSTDCS list
-- and GIAY_KHEN for the same achievement), and no award while a disciplinary
-- review, inspection or complaint about the subject is open.

local YEAR_END_ONLY = "Chỉ xét khen thưởng khi tổng kết năm (kỳ cả năm), không xét ở kỳ sáu tháng"

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
      if not ctx:has("LDTT") then
        reasons[#reasons + 1] = "Chưa đạt danh hiệu Lao động tiên tiến"
      end
      if not ctx:passed("CN2") and f.rating ~= "HTXS" then
        reasons[#reasons + 1] = "Chưa có thành tích được công nhận: không có sáng kiến, đề tài, giải pháp và không xếp loại Hoàn thành xuất sắc nhiệm vụ"
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

-- Bằng khen of the Minister: two consecutive years of achievement. The
-- previous year comes from the optional previous_year_* facts (absent = no).
--   person: CSTDCS this year and last; or HTXS both years with at least 2
--           initiatives over the two years;
--   unit:   TTLDXS this year, and last year TTLDXS or rated HTXS.
nomination "BANG_KHEN" {
  name = "Bằng khen của Bộ trưởng", decided_by = "Giám đốc Sở đề nghị Bộ trưởng",
  subjects = { "unit", "person" },
  check = function(s, f, ctx)
    if ctx.period_kind ~= "Y" then return false, YEAR_END_ONLY end
    if is_person(s) then
      if ctx:has("CSTDCS") and f.previous_year_cstdcs then return true end
      local initiatives = (f.initiatives or 0) + (f.previous_year_initiatives or 0)
      if f.rating == "HTXS" and f.previous_year_rating == "HTXS" and initiatives >= 2 then
        return true
      end
      return false, {
        "Chưa đạt Chiến sĩ thi đua cơ sở 2 năm liên tục",
        "Chưa đạt 2 năm liên tục Hoàn thành xuất sắc nhiệm vụ với ít nhất 2 sáng kiến, đề tài, giải pháp",
      }
    end
    local reasons = {}
    if not ctx:has("TTLDXS") then
      reasons[#reasons + 1] = "Chưa đạt danh hiệu Tập thể lao động xuất sắc năm nay"
    end
    if not f.previous_year_ttldxs and f.previous_year_unit_rating ~= "HTXS" then
      reasons[#reasons + 1] = "Năm trước chưa đạt Tập thể lao động xuất sắc hoặc Hoàn thành xuất sắc nhiệm vụ"
    end
    return verdict(reasons)
  end,
}
