-- rules/2025/campaign.lua — the 2025 campaign: name, theme, the six contents of
-- part I of the plan, and its calendar (registration, report deadlines, holidays).
--
-- Source: Kế hoạch phát động Phong trào thi đua ngành tài nguyên và môi trường
-- năm 2025 (under Công văn 154/BTNMT-TCCB, 07/01/2025). Dates are ISO (YYYY-MM-DD).
-- The reminder pass (reminders.lua) reads report_due; it sends nothing on weekends,
-- on the holidays below or in the quiet hours.

campaign {
  year = 2025,
  name = "Phong trào thi đua ngành tài nguyên và môi trường năm 2025",
  theme = "Kỷ cương trách nhiệm, chủ động kịp thời, tinh gọn hiệu quả, đổi mới sáng tạo",

  -- Part I "Nội dung phong trào thi đua", one short line per content.
  contents = {
    "Sắp xếp, tinh gọn tổ chức bộ máy sau hợp nhất Sở Tài nguyên và Môi trường với Sở Nông nghiệp và Phát triển Nông thôn, không để ngắt quãng công việc",
    "Sắp xếp, cơ cấu lại đội ngũ cán bộ, công chức, viên chức theo vị trí việc làm, gắn với siết chặt kỷ luật, kỷ cương hành chính",
    "Thực hiện chủ trương, chính sách về tài nguyên, môi trường, biến đổi khí hậu; tham mưu ban hành kịp thời văn bản quy phạm pháp luật",
    "Cải cách hành chính, chuyển đổi số; xây dựng, vận hành Hệ thống thông tin đất đai tập trung, thống nhất, đa mục tiêu",
    "Thực hiện đề án, nhiệm vụ bảo đảm chất lượng, tiến độ; chấp hành kỷ luật ngân sách, thực hành tiết kiệm, chống lãng phí",
    "Hưởng ứng các phong trào thi đua của các cấp; xây dựng, nhân rộng điển hình tiên tiến; phong trào văn nghệ, thể dục, thể thao",
  },

  -- Units and people register their emulation targets in the first quarter.
  registration_due = "2025-03-31",

  -- Part III of the plan: the Department Office (Văn phòng Sở) "monitors, guides and
  -- urges" the units; it gets a copy of every escalated reminder. Reminders go out at
  -- send_time on working days, never in the quiet hours.
  office = "VP",
  send_time = "08:00",
  quiet_hours = { from = "21:00", to = "07:00" },

  -- The criteria's points add up to 100 for collectives (TT1–TT6) and for
  -- individuals (CN1–CN7): units and people are ranked on this score.
  total_points = { unit = 100, person = 100 },

  -- Prize money (tiền thưởng) goes with each title and commendation as a multiple of the
  -- base salary (mức lương cơ sở): the nomination files show each prize and each list's
  -- total. 2,340,000 đồng/month since 01/07/2024 (Nghị định 73/2024/NĐ-CP, Điều 3).
  base_salary = { amount = 2340000, from = "2024-07-01", source = "Nghị định 73/2024/NĐ-CP, Điều 3" },
  -- The multiples: Nghị định 98/2023/NĐ-CP (mức tiền thưởng danh hiệu thi đua, hình thức
  -- khen thưởng), in force until 30/06/2025, then Nghị định 152/2025/NĐ-CP; check the
  -- article against the text in force when the year-end files are drawn up. Those marked
  -- (check) are not in the department's notes: confirm them before paying.
  prizes = {
    { title = "CSTDCS", subject = "person", multiple = 1.0,
      source = "Nghị định 98/2023/NĐ-CP, mức tiền thưởng Chiến sĩ thi đua cơ sở (check điều)" },
    { title = "LDTT", subject = "person", multiple = 0.3,
      source = "Nghị định 98/2023/NĐ-CP, mức tiền thưởng Lao động tiên tiến (check điều)" },
    { title = "TTLDXS", subject = "unit", multiple = 1.5,
      source = "Nghị định 98/2023/NĐ-CP, mức tiền thưởng Tập thể lao động xuất sắc (check điều)" },
    { title = "TTLDTT", subject = "unit", multiple = 0.8,
      source = "Nghị định 98/2023/NĐ-CP, mức tiền thưởng Tập thể lao động tiên tiến (check điều)" },
    { title = "GIAY_KHEN", subject = "unit", multiple = 0.6,
      source = "Nghị định 98/2023/NĐ-CP, mức tiền thưởng Giấy khen tập thể (check điều)" },
    { title = "GIAY_KHEN", subject = "person", multiple = 0.3,
      source = "Nghị định 98/2023/NĐ-CP, mức tiền thưởng Giấy khen cá nhân (check: mức và điều)" },
    { title = "BANG_KHEN", subject = "unit", multiple = 3.0,
      source = "Nghị định 98/2023/NĐ-CP, mức tiền thưởng Bằng khen tập thể (check điều)" },
    { title = "BANG_KHEN", subject = "person", multiple = 1.0,
      source = "Nghị định 98/2023/NĐ-CP, mức tiền thưởng Bằng khen cá nhân (check: mức và điều)" },
  },

  -- Units report every six months and at year end (part III of the plan).
  periods = {
    ["2025-H1"] = {
      label = "Sáu tháng đầu năm 2025",
      from = "2025-01-01", to = "2025-06-30", report_due = "2025-06-15",
    },
    ["2025-Y"] = {
      label = "Năm 2025",
      from = "2025-01-01", to = "2025-12-31", report_due = "2025-11-15",
    },
  },

  -- Public holidays of 2025: no reminders go out on these days.
  -- Check against the year's official announcement; e.g. the 30/4–1/5 break
  -- may be extended by a swapped working day (a new line here is enough).
  holidays = {
    { from = "2025-01-01", to = "2025-01-01", name = "Tết Dương lịch" },
    { from = "2025-01-25", to = "2025-02-02", name = "Tết Nguyên đán Ất Tỵ" },
    { from = "2025-04-07", to = "2025-04-07", name = "Giỗ Tổ Hùng Vương (10/3 âm lịch)" },
    { from = "2025-04-30", to = "2025-05-01", name = "Ngày Giải phóng miền Nam, thống nhất đất nước và Quốc tế Lao động" },
    { from = "2025-09-01", to = "2025-09-02", name = "Quốc khánh" },
  },
}
