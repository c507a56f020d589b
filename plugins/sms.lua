-- plugins/sms.lua — SMS through a Vietnamese gateway: eSMS.vn or SpeedSMS.
--
-- channels.sms = { provider = "esms", url = "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/",
--   api_key = "...", secret_key = "...", brandname = "SOTNMT" }
-- channels.sms = { provider = "speedsms", url = "https://api.speedsms.vn/index.php/sms/send",
--   api_key = "<token>", brandname = "SOTNMT" }
-- The text goes without diacritics (đ → d included): brandname templates require it and a
-- diacritic would force UCS-2, 70 characters a part instead of 160. The parts billed are
-- counted (GSM-7: 160, then 153 a part) and kept in the outbox. The outbox key is eSMS's
-- RequestId, so a retry after a lost answer is not billed twice.

local function national(phone) -- +84912345678 -> 0912345678
  return (phone:gsub("^%+84", "0"))
end

local function international(phone) -- +84912345678 -> 84912345678
  return (phone:gsub("^%+", ""))
end

local function esms(msg, opt, text)
  local res, err = thidua.http.post(opt.url, { timeout = opt.timeout, json = {
    ApiKey = opt.api_key, SecretKey = opt.secret_key, Phone = national(msg.to),
    Content = text, Brandname = opt.brandname, SmsType = tostring(opt.sms_type),
    IsUnicode = "0", RequestId = msg.key,
  } })
  if not res then return false, err, true end
  if not res.ok then return false, res.error or "no answer", true end
  if res.status >= 500 then return false, "gateway HTTP " .. res.status, true end
  local body = thidua.json.decode(res.body) or {}
  if tostring(body.CodeResult) == "100" then return true end
  -- 99: unknown error (try again); anything else (a bad number, brandname, balance) needs
  -- a person: failing at once keeps it visible.
  local code = tostring(body.CodeResult or res.status)
  return false, "eSMS CodeResult " .. code .. " " .. tostring(body.ErrorMessage or ""), code == "99"
end

local function speedsms(msg, opt, text)
  local res, err = thidua.http.post(opt.url, { timeout = opt.timeout,
    username = opt.api_key, password = "x", json = {
      to = { international(msg.to) }, content = text, sms_type = opt.sms_type,
      sender = opt.brandname,
    } })
  if not res then return false, err, true end
  if not res.ok then return false, res.error or "no answer", true end
  if res.status >= 500 then return false, "gateway HTTP " .. res.status, true end
  local body = thidua.json.decode(res.body) or {}
  if body.status == "success" then return true end
  return false, "SpeedSMS " .. tostring(body.code or res.status) .. " " .. tostring(body.message or ""), false
end

return channel "sms" {
  options = {
    provider = { type = "string", default = "esms" },
    url = "string",
    api_key = "secret",
    secret_key = { type = "secret", optional = true },
    brandname = "string",
    sms_type = { type = "number", default = 2 },
    timeout = { type = "number", default = 10 },
  },
  send = function(msg, opt)
    local text = thidua.text.unaccent(msg.text)
    local parts = thidua.text.sms(text).segments
    local ok, why, retry
    if opt.provider == "speedsms" then
      ok, why, retry = speedsms(msg, opt, text)
    elseif opt.provider == "esms" then
      ok, why, retry = esms(msg, opt, text)
    else
      return false, 'provider must be "esms" or "speedsms"', false
    end
    return ok, why, retry, parts
  end,
}
