-- plugins/zalo.lua — Zalo Notification Service (ZNS): a template message to a phone.
--
-- channels.zalo = { app_id = "...", secret_key = "...", refresh_token = "...",
--   template_id = "..." }   -- url and oauth_url default to Zalo's own
-- The Official Account's access token lasts about a day and is refreshed with the refresh
-- token, which rotates: every refresh returns a new one and the old one stops working. The
-- current pair is kept with thidua.state (the database), so a restart goes on with the
-- latest; the configured refresh_token is only the first. Sends run one at a time
-- (concurrency = 1) so two refreshes never race with the same refresh token. The template
-- receives the unit, the step, the deadline and the text; the outbox key is the tracking_id.
-- `error` 0 is success; -124 (access token invalid) drops the token and tries again.

local function form(fields)
  local parts = {}
  for _, kv in ipairs(fields) do
    parts[#parts + 1] = kv[1] .. "=" .. tostring(kv[2]):gsub("[^%w%-%._~]", function(c)
      return string.format("%%%02X", string.byte(c))
    end)
  end
  return table.concat(parts, "&")
end

-- The current access token, refreshed when it is (nearly) out of date.
local function access_token(opt)
  local token = thidua.state.get("access_token")
  local expires = tonumber(thidua.state.get("expires_at") or "0") or 0
  if token and os.time() < expires - 60 then return token end
  local refresh = thidua.state.get("refresh_token") or opt.refresh_token
  local res, err = thidua.http.request { method = "POST", url = opt.oauth_url,
    timeout = opt.timeout, headers = { secret_key = opt.secret_key,
      ["Content-Type"] = "application/x-www-form-urlencoded" },
    body = form({ { "app_id", opt.app_id }, { "grant_type", "refresh_token" },
      { "refresh_token", refresh } }) }
  if not res then return nil, err end
  local body = res.ok and thidua.json.decode(res.body) or {}
  if not body.access_token or not body.refresh_token then
    return nil, "Zalo OAuth: " .. tostring(body.error_name or body.message or res.error or res.status)
  end
  thidua.state.set("refresh_token", body.refresh_token) -- the old one no longer works
  thidua.state.set("access_token", body.access_token)
  thidua.state.set("expires_at", tostring(os.time() + (tonumber(body.expires_in) or 3600)))
  return body.access_token
end

return channel "zalo" {
  options = {
    url = { type = "string", default = "https://business.openapi.zalo.me/message/template" },
    oauth_url = { type = "string", default = "https://oauth.zaloapp.com/v4/oa/access_token" },
    app_id = "string",
    secret_key = "secret",
    refresh_token = "secret",
    template_id = "string",
    timeout = { type = "number", default = 10 },
  },
  concurrency = 1,
  send = function(msg, opt)
    local token, why = access_token(opt)
    if not token then return false, why, true end
    local res, err = thidua.http.post(opt.url, { timeout = opt.timeout,
      headers = { access_token = token }, json = {
        phone = (msg.to:gsub("^%+", "")), template_id = opt.template_id,
        template_data = { unit = msg.unit, step = msg.step, deadline = msg.deadline,
          text = msg.text },
        tracking_id = msg.key,
      } })
    if not res then return false, err, true end
    if not res.ok then return false, res.error or "no answer", true end
    if res.status >= 500 then return false, "Zalo HTTP " .. res.status, true end
    local body = thidua.json.decode(res.body) or {}
    if body.error == 0 then return true end
    if body.error == -124 then
      thidua.state.set("expires_at", "0") -- refresh at the next send
      return false, "Zalo: access token invalid", true
    end
    return false, "Zalo error " .. tostring(body.error) .. " " .. tostring(body.message or ""), false
  end,
}
