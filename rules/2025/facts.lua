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

fact "months_worked" { subject = "person", type = "integer", min = 0, max = 12,
  label = "Số tháng công tác trong năm" }

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
