-- rules/2025/facts.lua — the facts the 2025 ruleset expects: what each unit
-- (tập thể) and each person (cá nhân) reports for a period, with types and
-- Vietnamese labels (the labels are what forms and "Chưa báo cáo" reasons show).
--
-- Every fact below is expected unless marked `optional = true`; one that has not
-- been reported yet reads as nil in checks, and the criteria that need it fail
-- with "Chưa báo cáo: <label>". Criteria and titles read the labels from here
-- (fact_label("name")): a label is changed here, and only here.

local RATINGS = { "HTXS", "HTT", "HT", "KHT" }

---------------------------------------------------------------- unit facts

fact "response_plan" { subject = "unit", type = "boolean",
  label = "Có kế hoạch/văn bản hưởng ứng, phát động phong trào thi đua" }

fact "work_programme_approved" { subject = "unit", type = "boolean",
  label = "Chương trình, kế hoạch công tác năm được xây dựng, phê duyệt theo quy định" }

fact "tasks_assigned" { subject = "unit", type = "integer", min = 0, max = 100000,
  label = "Số nhiệm vụ được giao trong chương trình, kế hoạch công tác" }

fact "tasks_completed" { subject = "unit", type = "integer", min = 0, max = 100000,
  label = "Số nhiệm vụ được giao đã hoàn thành" }

fact "legal_docs_assigned" { subject = "unit", type = "integer", min = 0, max = 100000,
  label = "Số nhiệm vụ xây dựng văn bản quy phạm pháp luật được giao" }

fact "legal_docs_completed" { subject = "unit", type = "integer", min = 0, max = 100000,
  label = "Số nhiệm vụ xây dựng văn bản quy phạm pháp luật đã hoàn thành" }

fact "restructuring_on_time" { subject = "unit", type = "boolean",
  label = "Hoàn thành đúng tiến độ việc kiện toàn, tinh gọn tổ chức bộ máy" }

fact "discipline_violations" { subject = "unit", type = "integer", min = 0, max = 100000,
  label = "Số vụ vi phạm kỷ cương, kỷ luật hành chính, văn hóa công sở" }

fact "exemplary_models" { subject = "unit", type = "integer", min = 0, max = 100000,
  label = "Số điển hình tiên tiến được phát hiện, bồi dưỡng" }

fact "internal_solidarity" { subject = "unit", type = "boolean",
  label = "Nội bộ đoàn kết" }

fact "unit_rating" { subject = "unit", type = "enum", values = RATINGS,
  label = "Xếp loại mức độ hoàn thành nhiệm vụ của tập thể" }

-------------------------------------------------------------- person facts

fact "rating" { subject = "person", type = "enum", values = RATINGS,
  label = "Xếp loại mức độ hoàn thành nhiệm vụ" }

-- Months actually at work in 2025 up to the period's end; leave the law counts
-- as work is reported apart (leave_months_counted) so reasons can say so.
fact "months_worked" { subject = "person", type = "integer", min = 0, max = 12,
  label = "Số tháng công tác trong năm" }

-- Months of leave that the law counts as time worked for the emulation titles
-- (maternity leave first: the leave itself is Bộ luật Lao động 2019, Điều 139;
-- counting it as work for LDTT is the decree's, Nghị định 98/2023/NĐ-CP until
-- 30/06/2025, Nghị định 152/2025/NĐ-CP from 01/07/2025 — see titles.lua).
-- Optional: absent means none.
fact "leave_months_counted" { subject = "person", type = "integer", min = 0, max = 12,
  optional = true,
  label = "Số tháng nghỉ được tính là thời gian công tác (nghỉ thai sản theo quy định)" }

fact "initiatives" { subject = "person", type = "integer", min = 0, max = 1000,
  label = "Số sáng kiến, đề tài, giải pháp được công nhận" }

fact "responsibility" { subject = "person", type = "boolean",
  label = "Có tinh thần trách nhiệm cao, nêu gương" }

fact "obeys_assignment" { subject = "person", type = "boolean",
  label = "Chấp hành nghiêm sự phân công, điều động, bố trí" }

fact "movement_participation" { subject = "person", type = "boolean",
  label = "Tích cực hưởng ứng các phong trào thi đua" }

fact "discipline" { subject = "person", type = "enum",
  values = { "none", "khien_trach", "canh_cao", "ha_bac", "cach_chuc", "buoc_thoi_viec" },
  label = "Hình thức kỷ luật trong năm" }

------------------------------------------- optional facts, read by BANG_KHEN
-- Two-year conditions of the Minister's Bằng khen. Reported for the year period
-- only, by those who want to be considered; absent means "no".

fact "previous_year_cstdcs" { subject = "person", type = "boolean", optional = true,
  label = "Năm trước đạt danh hiệu Chiến sĩ thi đua cơ sở" }

fact "previous_year_rating" { subject = "person", type = "enum", values = RATINGS,
  optional = true, label = "Xếp loại mức độ hoàn thành nhiệm vụ năm trước" }

fact "previous_year_initiatives" { subject = "person", type = "integer", min = 0, max = 1000,
  optional = true, label = "Số sáng kiến, đề tài, giải pháp được công nhận năm trước" }

fact "previous_year_ttldxs" { subject = "unit", type = "boolean", optional = true,
  label = "Năm trước đạt danh hiệu Tập thể lao động xuất sắc" }

fact "previous_year_unit_rating" { subject = "unit", type = "enum", values = RATINGS,
  optional = true, label = "Xếp loại mức độ hoàn thành nhiệm vụ của tập thể năm trước" }

------------------------------------------------------------ fact checks
-- Checks that need the person's record and the period (engine/fact_checks.lua).

-- "YYYY-MM-DD" → a month number, and → "dd/mm/yyyy".
local function month_number(date)
  return tonumber(date:sub(1, 4)) * 12 + tonumber(date:sub(6, 7))
end

local function vn_date(date)
  return date:sub(9, 10) .. "/" .. date:sub(6, 7) .. "/" .. date:sub(1, 4)
end

-- The months worked (with the leave counted as work) cannot exceed the months
-- from the hiring date, or the period's start if later, to the period's end.
-- A month begun counts whole (hired 15/10 → October, November, December: 3),
-- so this only refuses what cannot be; the 6 months of LDTT are judged in
-- titles.lua. Source: the Law's "not for anyone recruited less than 6 months
-- before" (Luật TĐKT 2022, Điều 24) needs months that the hiring date allows.
fact_check "months_within_employment" {
  subject = "person",
  facts = { "months_worked", "leave_months_counted" },
  check = function(s, f, ctx)
    local p = ctx.period
    local start, hired = p.from, false
    if s.hired_on and s.hired_on > p.from then start, hired = s.hired_on, true end
    local available = 0
    if start <= p.to then available = month_number(p.to) - month_number(start) + 1 end
    local worked, leave = f.months_worked or 0, f.leave_months_counted or 0
    if worked + leave <= available then return true end
    local reported = string.format("%d tháng", worked)
    if leave > 0 then
      reported = string.format("%d tháng công tác và %d tháng nghỉ được tính là thời gian công tác",
        worked, leave)
    end
    if hired then
      return false, string.format(
        "Số tháng công tác trong năm: báo cáo %s, nhưng từ ngày tuyển dụng %s đến hết kỳ %s (%s) chỉ có %d tháng",
        reported, vn_date(s.hired_on), p.label, vn_date(p.to), available)
    end
    return false, string.format(
      "Số tháng công tác trong năm: báo cáo %s, nhưng kỳ %s (%s–%s) chỉ có %d tháng",
      reported, p.label, vn_date(p.from), vn_date(p.to), available)
  end,
}
