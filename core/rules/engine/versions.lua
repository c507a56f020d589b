--[[
engine/versions.lua — effective dates of rules: a criterion, title or nomination may say
from when and until when it holds (`valid = { from = "YYYY-MM-DD", to = "YYYY-MM-DD" }`,
either end optional), and may be declared again with another `valid` (another version,
e.g. under Decree 98/2023 until 30/06/2025, under Decree 152/2025 from 01/07/2025).

It owns: the `valid` field and the versions of each rule (declare_version, called by the
DSL's declarer in engine/dsl.lua), the checks made once every file has run (versions of
one rule must cover the campaign without overlap or gap, and agree on what evaluation
order depends on), and the choice of the version for a period (activate_period, called at
the start of every evaluation).

A period is judged by the rules in force on its END date: a period's results are decided
when it closes (reports, ratings and commendations come after its end), so the rules that
apply are those in force then; a period that straddles a change (the year 2025) is decided
entirely under the later text, never half under each.

The first version's record is the rule's record (the one the rest of the engine keeps in
its lists); choosing a version copies that version's fields into it.
--]]

local E, host = ...

local sfmt = string.format
local tsort = table.sort
local type, pairs, ipairs, tostring, tonumber = type, pairs, ipairs, tostring, tonumber
local ostime, osdate = os.time, os.date
local setmetatable = setmetatable

local problem = E.problem

-- The kinds that may carry `valid`, with their table of records and declaration order.
local VERSIONED = {
  criterion = { records = E.criteria, order = E.criterion_order },
  title = { records = E.titles, order = E.title_order },
  nomination = { records = E.nominations, order = E.nomination_order },
}

-- kind -> id -> list of { from, to, at, record } (only rules declared with `valid`).
local versions = { criterion = {}, title = {}, nomination = {} }
E.versions = versions

local function date_ok(s)
  return type(s) == "string" and s:match("^%d%d%d%d%-%d%d%-%d%d$") ~= nil
    and osdate("%Y-%m-%d", ostime({ year = tonumber(s:sub(1, 4)), month = tonumber(s:sub(6, 7)),
      day = tonumber(s:sub(9, 10)), hour = 12 })) == s
end

local function next_day(date)
  return osdate("%Y-%m-%d", ostime({ year = tonumber(date:sub(1, 4)),
    month = tonumber(date:sub(6, 7)), day = tonumber(date:sub(9, 10)) + 1, hour = 12 }))
end

local function vn_date(date)
  return sfmt("%s/%s/%s", date:sub(9, 10), date:sub(6, 7), date:sub(1, 4))
end

-- The fields a kind accepts, with `valid` for the versioned kinds (one copy per kind).
local with_valid = setmetatable({}, { __mode = "k" })
function E.fields_with_valid(kind, fields)
  if not VERSIONED[kind] then return fields end
  local out = with_valid[fields]
  if not out then
    out = { valid = 1 }
    for k, v in pairs(fields) do out[k] = v end
    with_valid[fields] = out
  end
  return out
end

-- A second declaration of `id` is another version when both carry `valid`.
function E.another_version(kind, id, first, spec)
  local v = VERSIONED[kind]
  return v ~= nil and v.records[id] == first and versions[kind][id] ~= nil
    and type(spec) == "table" and spec.valid ~= nil
end

local function read_valid(at, what, valid)
  if type(valid) ~= "table" then
    problem(at, '%s: valid phải có dạng { from = "YYYY-MM-DD", to = "YYYY-MM-DD" }', what)
    return nil, nil
  end
  for k in pairs(valid) do
    if k ~= "from" and k ~= "to" then problem(at, '%s: valid: không có trường "%s"', what, tostring(k)) end
  end
  for _, k in ipairs({ "from", "to" }) do
    if valid[k] ~= nil and not date_ok(valid[k]) then
      problem(at, "%s: valid.%s phải là một ngày YYYY-MM-DD", what, k)
      return nil, nil
    end
  end
  if valid.from and valid.to and valid.to < valid.from then
    problem(at, "%s: valid.to ở trước valid.from", what)
  end
  return valid.from, valid.to
end

local function snapshot(record)
  return E.copy(record)
end

-- Declares a rule, or another version of one (first: the rule's record, if declared).
function E.declare_version(kind, at, id, spec, what, first, on_spec)
  local v = VERSIONED[kind]
  if not v or spec.valid == nil then return on_spec(at, id, spec, what) end
  local from, to = read_valid(at, what, spec.valid)
  local n = #v.order
  on_spec(at, id, spec, what)
  local record = v.records[id]
  if not record then return end
  if first then
    v.records[id] = first
    while #v.order > n do v.order[#v.order] = nil end
    local list = versions[kind][id]
    list[#list + 1] = { from = from, to = to, at = at, record = record }
  else
    versions[kind][id] = { { from = from, to = to, at = at, record = snapshot(record) } }
  end
end

---------------------------------------------------------------------------------------------
-- Once every file has run.

local function same_list(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do
    if a[i] ~= b[i] then return false end
  end
  return true
end

-- Versions must agree on what the evaluation order is built from.
local function check_agreement(kind, id, list)
  local base = list[1].record
  for i = 2, #list do
    local r = list[i].record
    if r.subject ~= base.subject then
      problem(list[i].at, '%s "%s": mọi phiên bản phải cùng subject (phiên bản đầu tại %s)', kind, id,
        list[1].at)
    end
    if r.after and not same_list(r.after, base.after) then
      problem(list[i].at, '%s "%s": mọi phiên bản phải cùng after = { ... } (phiên bản đầu tại %s)',
        kind, id, list[1].at)
    end
    for _, cid in ipairs(kind == "title" and r.requires or {}) do
      local c = E.criteria[cid]
      if not c or c.subject ~= r.subject then
        problem(list[i].at, 'title "%s": requires nêu tiêu chí "%s" không có, '
          .. "hoặc của đối tượng khác", id, cid)
      end
    end
  end
end

-- The campaign's span: from its earliest period's start to its latest period's end.
local function campaign_span()
  local from, to
  for _, p in pairs(E.campaign_decl.periods) do
    if not from or p.from < from then from = p.from end
    if not to or p.to > to then to = p.to end
  end
  return from, to
end

-- Versions sorted by start must follow each other day after day over the campaign.
local function check_coverage(kind, id, list, first_day, last_day)
  tsort(list, function(a, b) return (a.from or "") < (b.from or "") end)
  local what = sfmt('%s "%s"', kind, id)
  if list[1].from and list[1].from > first_day then
    problem(list[1].at, "%s: chỉ áp dụng từ %s, nên từ %s (đầu phong trào) không có phiên bản nào",
      what, vn_date(list[1].from), vn_date(first_day))
  end
  for i = 2, #list do
    local prev, cur = list[i - 1], list[i]
    local after_prev = prev.to and next_day(prev.to)
    if not prev.to or not cur.from or cur.from < after_prev then
      problem(cur.at, "%s: phiên bản này (từ %s) chồng lên phiên bản tại %s (đến %s)", what,
        cur.from and vn_date(cur.from) or "đầu phong trào", prev.at,
        prev.to and vn_date(prev.to) or "cuối phong trào")
    elseif cur.from > after_prev then
      problem(cur.at, "%s: khoảng trống trước phiên bản này: từ %s đến trước ngày %s không có "
        .. "phiên bản nào (phiên bản trước tại %s)", what, vn_date(after_prev), vn_date(cur.from), prev.at)
    end
  end
  local last = list[#list]
  if last.to and last.to < last_day then
    problem(last.at, "%s: chỉ áp dụng đến %s, nên đến %s (cuối phong trào) không có phiên bản nào",
      what, vn_date(last.to), vn_date(last_day))
  end
end

function E.check_versions()
  if not E.campaign_decl then return end
  local first_day, last_day = campaign_span()
  if not first_day then return end
  for kind, by_id in pairs(versions) do
    for id, list in pairs(by_id) do
      check_agreement(kind, id, list)
      check_coverage(kind, id, list, first_day, last_day)
    end
  end
end

---------------------------------------------------------------------------------------------
-- Choosing, for a period, the version in force on its end date.

local active -- the period whose versions the records hold now

local function version_on(list, date)
  for _, v in ipairs(list) do
    if (not v.from or v.from <= date) and (not v.to or date <= v.to) then return v end
  end
  return list[1]
end

function E.activate_period(period)
  if active == period then return end
  active = period
  for kind, by_id in pairs(versions) do
    local records = VERSIONED[kind].records
    for id, list in pairs(by_id) do
      local record, chosen = records[id], version_on(list, period.to).record
      for k in pairs(record) do
        if chosen[k] == nil then record[k] = nil end
      end
      for k, v in pairs(chosen) do record[k] = v end
    end
  end
end

-- [{from, to, at}] of a versioned rule, for the catalog; nil for a rule without `valid`.
function E.versions_of(kind, id)
  local list = versions[kind] and versions[kind][id]
  if not list then return nil end
  local out = E.array()
  for _, v in ipairs(list) do
    out[#out + 1] = { from = v.from or host.null, to = v.to or host.null }
  end
  return out
end
