-- plugins/zalo.lua — Zalo Notification Service (ZNS): a template message to a phone.
--
-- channels.zalo = { url = "https://business.openapi.zalo.me/message/template",
--   access_token = "...", template_id = "..." }
-- The template receives the unit, the period, the due date and the text; the outbox key is
-- the tracking_id. `error` 0 is success.
-- Not done here: refreshing the OA access token (it rotates on every refresh and must be
-- stored back); set a current access_token in the configuration.

return channel "zalo" {
  options = {
    url = "string",
    access_token = "secret",
    template_id = "string",
    timeout = { type = "number", default = 10 },
  },
  send = function(msg, opt)
    local res, err = thidua.http.post(opt.url, { timeout = opt.timeout,
      headers = { access_token = opt.access_token }, json = {
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
    return false, "Zalo error " .. tostring(body.error) .. " " .. tostring(body.message or ""), false
  end,
}
