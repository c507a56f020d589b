-- rules/2025/titles.lua — the emulation titles (danh hiệu thi đua) of 2025:
-- persons LDTT, CSTDCS; units TTLDTT, TTLDXS.
--
-- Conditions follow the Law on Emulation and Commendation 2022 (see DOMAIN.md)
-- plus the plan's own criteria. `requires` lists the criteria that must pass
-- (CN7 only counts for heads: it does not apply to anyone else); `check` adds
-- what the criteria do not cover. Evaluation order (engine): members' titles,
-- then the unit's (which count the members' LDTT and CSTDCS), then heads'
-- titles again with CN7, and the unit's again over the members' final titles,
-- until nothing changes. So the 70 % share counts the members' LDTT after CN7.
--
-- Article numbers of Luật Thi đua, khen thưởng 06/2022/QH15 are cited beside each
-- condition (Điều 23 CSTDCS, 24 LDTT, 27 TTLDXS, 28 TTLDTT: check against the
-- text); rules/README.md has the table of sources.

local LDTT_MIN_MONTHS = 6      -- not for anyone who worked under 6 months (Luật TĐKT 2022, Điều 24)
local LDTT_SHARE_PERCENT = 70  -- minimum share of members holding LDTT (Điều 27, 28)
local RATED_MIN_MONTHS = 6     -- under 6 months worked: not rated (Nghị định 90/2020/NĐ-CP; check)

-- Discipline at "cảnh cáo" or above bars the collective titles; khiển trách does not
-- (Luật TĐKT 2022, Điều 27, 28: "không có cá nhân bị kỷ luật từ hình thức cảnh cáo trở lên").
local SERIOUS_DISCIPLINE = { canh_cao = true, ha_bac = true, cach_chuc = true, buoc_thoi_viec = true }

-- true, or false plus the collected reasons.
local function verdict(reasons)
  if #reasons == 0 then return true end
  return false, reasons
end

-- Codes of the members for which `pred(member)` holds, as "P1, P2", or nil.
local function members_where(ctx, pred)
  local codes = {}
  for _, m in ipairs(ctx:members()) do
    if pred(m) then codes[#codes + 1] = m.code end
  end
  if #codes == 0 then return nil end
  return table.concat(codes, ", ")
end

-- Adds a reason unless at least LDTT_SHARE_PERCENT of members hold LDTT.
-- Whole numbers, so 7 of 10 is exactly 70 % (no rounding at the boundary).
local function check_ldtt_share(ctx, reasons)
  local total, holders = ctx:member_count(), ctx:count("LDTT")
  if total == 0 then
    reasons[#reasons + 1] = "Chưa có danh sách cá nhân của tập thể"
  elseif holders * 100 < total * LDTT_SHARE_PERCENT then
    local percent = string.format("%.1f", holders * 100 / total):gsub("%.", ",")
    reasons[#reasons + 1] = string.format(
      "Tỷ lệ cá nhân đạt Lao động tiên tiến %d/%d (%s%%), dưới %d%%",
      holders, total, percent, LDTT_SHARE_PERCENT)
  end
end

-- Adds a reason if a member is disciplined at cảnh cáo or above, or has not
-- reported discipline at all (the title cannot be granted on missing data).
local function check_no_serious_discipline(ctx, reasons)
  local serious = members_where(ctx, function(m) return SERIOUS_DISCIPLINE[m.facts.discipline] end)
  if serious then
    reasons[#reasons + 1] = "Có cá nhân bị kỷ luật từ hình thức cảnh cáo trở lên: " .. serious
  end
  local unknown = members_where(ctx, function(m) return m.facts.discipline == nil end)
  if unknown then
    reasons[#reasons + 1] = "Chưa báo cáo hình thức kỷ luật của: " .. unknown
  end
end

------------------------------------------------------------------- persons

-- LDTT (Luật TĐKT 2022, Điều 24): rated HTT or better (CN1), conduct and the
-- movement (CN3–CN6), the plan's CN7 for heads; not for anyone who worked under
-- 6 months in the year. Months of leave the law counts as work (maternity
-- leave) are added to the months worked, and the reason says so. That counting
-- is the decree's, whose text changed on 01/07/2025: the two versions below
-- hold the same rule and differ only in the decree they cite (Nghị định
-- 98/2023/NĐ-CP until 30/06/2025, Nghị định 152/2025/NĐ-CP from 01/07/2025);
-- the engine picks, for a period, the version in force on its last day.
local function ldtt(valid, decree)
  return {
    subject = "person", name = "Lao động tiên tiến", decided_by = "Giám đốc Sở",
    valid = valid,
    requires = { "CN1", "CN3", "CN4", "CN5", "CN6", "CN7" },
    after = {},
    check = function(_, f)
      if f.months_worked == nil then return false, "Chưa báo cáo: " .. fact_label("months_worked") end
      local leave = f.leave_months_counted or 0
      local months = f.months_worked + leave
      local counted = ""
      if leave > 0 then
        counted = string.format(" (kể cả %d tháng nghỉ được tính là thời gian công tác theo %s)",
          leave, decree)
      end
      if months < LDTT_MIN_MONTHS then
        return false, string.format("Thời gian công tác trong năm %d tháng%s, dưới %d tháng",
          months, counted, LDTT_MIN_MONTHS)
      end
      if leave > 0 then
        return true, string.format("Thời gian công tác trong năm %d tháng%s", months, counted)
      end
      return true
    end,
  }
end

title "LDTT" (ldtt({ to = "2025-06-30" }, "Nghị định 98/2023/NĐ-CP"))
title "LDTT" (ldtt({ from = "2025-07-01" }, "Nghị định 152/2025/NĐ-CP"))

-- CSTDCS (Luật TĐKT 2022, Điều 23): LDTT, and rated HTXS or an initiative
-- recognised (CN2). Choice: the council's ballot (≥ 80 %) happens outside: this is
-- the list put to it.
title "CSTDCS" {
  subject = "person", name = "Chiến sĩ thi đua cơ sở", decided_by = "Giám đốc Sở",
  requires = {},
  after = { "LDTT" },
  check = function(_, f, ctx)
    local reasons = {}
    if not ctx:has("LDTT") then
      reasons[#reasons + 1] = "Chưa đạt danh hiệu Lao động tiên tiến"
    end
    if f.rating ~= "HTXS" and not ctx:passed("CN2") then
      reasons[#reasons + 1] = "Không xếp loại Hoàn thành xuất sắc nhiệm vụ và chưa có sáng kiến, đề tài, giải pháp được công nhận"
    end
    return verdict(reasons)
  end,
}

--------------------------------------------------------------------- units

-- TTLDTT (Luật TĐKT 2022, Điều 28): unit rated HTT or better, ≥ 70 % LDTT, no
-- discipline from cảnh cáo up; the plan's TT1–TT6 (part II.1).
-- internal_solidarity is TT6, so `requires` covers it.
title "TTLDTT" {
  subject = "unit", name = "Tập thể lao động tiên tiến", decided_by = "Giám đốc Sở",
  requires = { "TT1", "TT2", "TT3", "TT4", "TT5", "TT6" },
  after = { "LDTT" },
  check = function(_, f, ctx)
    local reasons = {}
    if f.unit_rating == nil then
      reasons[#reasons + 1] = "Chưa báo cáo: " .. fact_label("unit_rating")
    elseif f.unit_rating ~= "HTXS" and f.unit_rating ~= "HTT" then
      reasons[#reasons + 1] = "Tập thể chưa được xếp loại Hoàn thành tốt nhiệm vụ trở lên"
    end
    check_ldtt_share(ctx, reasons)
    check_no_serious_discipline(ctx, reasons)
    return verdict(reasons)
  end,
}

-- TTLDXS (Luật TĐKT 2022, Điều 27): unit rated HTXS, 100 % of members complete
-- their duties, ≥ 70 % LDTT, at least one CSTDCS; the plan's TT1–TT6.
-- "100 % of members complete their duties": every member rated HT or better.
-- A member without a rating counts as not complete, unless they worked under
-- 6 months (the law does not rate them). Also holds TTLDTT's discipline bar,
-- so a TTLDXS unit always meets TTLDTT's conditions.
title "TTLDXS" {
  subject = "unit", name = "Tập thể lao động xuất sắc", decided_by = "Giám đốc Sở đề nghị cấp trên",
  requires = { "TT1", "TT2", "TT3", "TT4", "TT5", "TT6" },
  after = { "LDTT", "CSTDCS" },
  check = function(_, f, ctx)
    local reasons = {}
    if f.unit_rating == nil then
      reasons[#reasons + 1] = "Chưa báo cáo: " .. fact_label("unit_rating")
    elseif f.unit_rating ~= "HTXS" then
      reasons[#reasons + 1] = "Tập thể chưa được xếp loại Hoàn thành xuất sắc nhiệm vụ"
    end
    local failed = members_where(ctx, function(m) return m.facts.rating == "KHT" end)
    if failed then
      reasons[#reasons + 1] = "Có cá nhân xếp loại Không hoàn thành nhiệm vụ: " .. failed
    end
    local unrated = members_where(ctx, function(m)
      local months = m.facts.months_worked
      if months then months = months + (m.facts.leave_months_counted or 0) end
      return m.facts.rating == nil and not (months and months < RATED_MIN_MONTHS)
    end)
    if unrated then
      reasons[#reasons + 1] = "Chưa báo cáo xếp loại của: " .. unrated
    end
    check_ldtt_share(ctx, reasons)
    if ctx:count("CSTDCS") < 1 then
      reasons[#reasons + 1] = "Chưa có cá nhân đạt danh hiệu Chiến sĩ thi đua cơ sở"
    end
    check_no_serious_discipline(ctx, reasons)
    return verdict(reasons)
  end,
}
