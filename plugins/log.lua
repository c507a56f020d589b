-- plugins/log.lua — the channel that is always on: each message goes to the daemon's log
-- (stderr, the journal under systemd). The demo shows its reminders here with nothing set up.
return channel "log" {
  options = {},
  send = function(msg)
    thidua.log(string.format("%s %s → %s (%s): %s", msg.step, msg.unit, msg.to, msg.recipient,
      msg.text))
    return true
  end,
}
