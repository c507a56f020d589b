-- rules/2025/titles.lua — the emulation titles (danh hiệu thi đua) of 2025:
-- persons LDTT, CSTDCS; units TTLDTT, TTLDXS.
--
-- Conditions follow the Law on Emulation and Commendation 2022 (see DOMAIN.md)
-- plus the plan's own criteria. `requires` lists the criteria that must pass
-- (CN7 only counts for heads: it does not apply to anyone else); `check` adds
-- what the criteria do not cover. Evaluation order (engine): members' titles,
-- then the unit's (which count the members' LDTT and CSTDCS), then heads'
-- titles again with CN7. So the 70 % share counts LDTT as the law defines it.

local LDTT_MIN_MONTHS = 6      -- not for anyone who worked under 6 months
local LDTT_SHARE_PERCENT = 70  -- minimum share of members holding LDTT
local RATED_MIN_MONTHS = 6     -- people who worked under 6 months are not rated

-- Discipline at "cảnh cáo" or above bars the collective titles; khiển trách does not.
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

title "LDTT" {
  subject = "person", name = "Lao động tiên tiến", decided_by = "Giám đốc Sở",
  requires = { "CN1", "CN3", "CN4", "CN5", "CN6", "CN7" },
  after = {},
  check = function(_, f)
    if f.months_worked == nil then return false, "Chưa báo cáo: " .. fact_label("months_worked") end
    if f.months_worked < LDTT_MIN_MONTHS then
      return false, string.format("Thời gian công tác trong năm %d tháng, dưới %d tháng",
        f.months_worked, LDTT_MIN_MONTHS)
    end
    return true
  end,
}

-- The council's ballot (≥ 80 %) happens outside: this is the list put to it.
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
