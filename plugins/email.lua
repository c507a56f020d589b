-- plugins/email.lua — e-mail over SMTP (plain, STARTTLS or SMTPS) through thidua.smtp.
--
-- channels.email = { url = "smtp://mail.so.gov.vn:587", from = "vanphong@so.gov.vn",
--   username = "...", password = "...", starttls = true, reply_to = "..." }
-- The subject is RFC 2047-encoded UTF-8, the body UTF-8 in base64, so Vietnamese arrives
-- intact. The outbox key goes in Message-ID and X-Thidua-Key: a retry carries the same id.
-- A 5xx answer (no such mailbox) fails at once; a 4xx or a timeout is tried again later.

local function wrap(text, width)
  local lines = {}
  for i = 1, #text, width do lines[#lines + 1] = text:sub(i, i + width - 1) end
  return table.concat(lines, "\r\n")
end

local function message(msg, opt)
  local id = thidua.hmac_sha256("thidua-message-id", msg.key):sub(1, 32)
  local headers = {
    "From: " .. opt.from,
    "To: " .. msg.to,
    "Subject: " .. thidua.mime_header(msg.subject ~= "" and msg.subject or "Thông báo thi đua"),
    "Date: " .. os.date("!%a, %d %b %Y %H:%M:%S +0000"),
    "Message-ID: <" .. id .. "@thidua>",
    "X-Thidua-Key: " .. msg.key,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=UTF-8",
    "Content-Transfer-Encoding: base64",
  }
  if opt.reply_to then headers[#headers + 1] = "Reply-To: " .. opt.reply_to end
  return table.concat(headers, "\r\n") .. "\r\n\r\n" .. wrap(thidua.base64(msg.text), 76) .. "\r\n"
end

return channel "email" {
  options = {
    url = "string",
    from = "string",
    username = { type = "string", optional = true },
    password = { type = "secret", optional = true },
    reply_to = { type = "string", optional = true },
    starttls = { type = "boolean", default = false },
    timeout = { type = "number", default = 30 },
  },
  send = function(msg, opt)
    local res, err = thidua.smtp.send {
      url = opt.url, from = opt.from, to = { msg.to }, message = message(msg, opt),
      username = opt.username, password = opt.password, starttls = opt.starttls,
      timeout = opt.timeout,
    }
    if not res then return false, err, true end
    if res.ok and res.status == 250 then return true end
    -- A 5xx reply (no such mailbox, refused) will not change by trying again; a 4xx, a
    -- timeout or a dropped connection may.
    local permanent = res.status >= 500 and res.status < 600
    return false, string.format("SMTP %d %s", res.status, res.error or ""), not permanent
  end,
}
