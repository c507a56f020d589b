--[[
engine/checks.lua — the checks made on a ruleset once every file has run: a campaign is
declared, references name what exists (criteria's and titles' `after`, titles' `requires`),
late criteria are person criteria after unit titles, and titles' `after` lists have no
cycle. It also derives what evaluation walks: the titles of each subject in dependency
order, and the criteria split into early (by subject) and late ones (with `after`).

The dry run of every check that follows these checks is in engine/selftest.lua (it needs
the evaluation, loaded after this chunk).
--]]

local E = ...

local tconcat, tinsert = table.concat, table.insert
local ipairs = ipairs

local SUBJECTS, problem, problems = E.SUBJECTS, E.problem, E.problems
local criteria, criterion_order = E.criteria, E.criterion_order
local titles, title_order = E.titles, E.title_order

-- Derived by finish().
local title_sequence = { unit = {}, person = {} } -- in dependency order
local early_criteria = { unit = {}, person = {} }
local late_criteria = {}
E.title_sequence, E.early_criteria, E.late_criteria = title_sequence, early_criteria, late_criteria

---------------------------------------------------------------------------------------------
-- After every file has run: references, order, cycles.

local function order_titles()
  -- Depth-first topological sort; a grey node met again closes a cycle.
  local state, sequence = {}, {}
  local function visit(code, path)
    local t = titles[code]
    if state[code] == "done" then return true end
    if state[code] == "active" then
      local cycle = {}
      local started = false
      for _, c in ipairs(path) do
        if c == code then started = true end
        if started then cycle[#cycle + 1] = c end
      end
      cycle[#cycle + 1] = code
      problem(t.at, 'title "%s": danh sách after vòng trở lại chính nó (%s)', code,
        tconcat(cycle, " → "))
      return false
    end
    state[code] = "active"
    path[#path + 1] = code
    for _, dep in ipairs(t.after) do
      if titles[dep] and not visit(dep, path) then return false end
    end
    path[#path] = nil
    state[code] = "done"
    sequence[#sequence + 1] = code
    return true
  end
  for _, code in ipairs(title_order) do
    if not visit(code, {}) then return end
  end
  for _, code in ipairs(sequence) do
    local t = titles[code]
    tinsert(title_sequence[t.subject], t)
  end
end

local function finish()
  if not E.campaign_decl then problem("(bộ quy tắc)", "chưa khai báo campaign { ... }") end
  for _, id in ipairs(criterion_order) do
    local c = criteria[id]
    if #c.after > 0 then
      if c.subject ~= "person" then
        problem(c.at, 'criterion "%s": chỉ tiêu chí cá nhân mới được xét sau danh hiệu (after)', id)
      end
      for _, a in ipairs(c.after) do
        if not titles[a] then
          problem(c.at, 'criterion "%s": after nêu danh hiệu không có "%s"', id, a)
        elseif titles[a].subject ~= "unit" then
          problem(c.at, 'criterion "%s": after chỉ được nêu danh hiệu tập thể ("%s" là danh hiệu cá nhân)', id, a)
        end
      end
      late_criteria[#late_criteria + 1] = c
    elseif SUBJECTS[c.subject] then
      tinsert(early_criteria[c.subject], c)
    end
  end
  for _, code in ipairs(title_order) do
    local t = titles[code]
    for _, r in ipairs(t.requires) do
      local c = criteria[r]
      if not c then
        problem(t.at, 'title "%s": requires nêu tiêu chí không có "%s"', code, r)
      elseif c.subject ~= t.subject then
        problem(t.at, 'title "%s": requires nêu tiêu chí "%s" của đối tượng khác', code, r)
      end
    end
    for _, a in ipairs(t.after) do
      local dep = titles[a]
      if not dep then
        problem(t.at, 'title "%s": after nêu danh hiệu không có "%s"', code, a)
      elseif t.subject == "person" and dep.subject == "unit" then
        problem(t.at, 'title "%s": danh hiệu cá nhân không thể xét sau danh hiệu tập thể "%s"; '
          .. 'hãy dùng một tiêu chí có after = { "%s" } (như CN7) và đưa vào requires', code, a, a)
      end
    end
  end
  order_titles()
  E.check_total_points()
  E.scan_fact_reads()
  return #problems == 0
end

E.finish = finish
