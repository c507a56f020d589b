-- plugins/webhook.lua — a signed JSON POST to another system.
--
-- channels.webhook = { url = "https://hr.so.gov.vn/thidua/hook", secret = "...",
--   events = { "report.submitted", "report.late", "evaluation.changed", "rules.reloaded" } }
-- Events are posted as they are queued (in the same transaction as the change): the body is
-- {"event", "at", ...} (X-Thidua-Event names it); reminders whose channels list "webhook"
-- are posted as {"event": "reminder", ...}. Without `events`, every event is posted.
-- The body is JSON; X-Thidua-Timestamp holds the Unix time and X-Thidua-Signature
-- "sha256=" .. HMAC-SHA256(secret, timestamp .. "." .. body), so the receiver checks both
-- the sender and the freshness (reject an old timestamp: no replay). X-Thidua-Key is the
-- outbox key: a retry carries the same one.

local function subscribed(events, name)
  for _, e in ipairs(events) do
    if e == name then return true end
  end
  return false
end

return channel "webhook" {
  options = {
    url = "string",
    secret = "secret",
    events = { type = "table", optional = true },
    timeout = { type = "number", default = 10 },
  },
  send = function(msg, opt)
    local event, body = "reminder"
    if msg.deadline == "event" then
      event, body = msg.step, msg.text -- queued as JSON already
      if opt.events and not subscribed(opt.events, event) then return true end
    else
      body = thidua.json.encode({ event = "reminder", key = msg.key, unit = msg.unit,
        to = msg.to, recipient = msg.recipient, deadline = msg.deadline, step = msg.step,
        subject = msg.subject, text = msg.text })
    end
    local stamp = tostring(os.time())
    local res, err = thidua.http.post(opt.url, { timeout = opt.timeout, body = body, headers = {
      ["Content-Type"] = "application/json",
      ["X-Thidua-Timestamp"] = stamp,
      ["X-Thidua-Signature"] = "sha256=" .. thidua.hmac_sha256(opt.secret, stamp .. "." .. body),
      ["X-Thidua-Key"] = msg.key,
      ["X-Thidua-Event"] = event,
    } })
    if not res then return false, err, true end
    if not res.ok then return false, res.error or "no answer", true end
    if res.status >= 200 and res.status < 300 then return true end
    return false, "HTTP " .. res.status, res.status >= 500 or res.status == 429
  end,
}
