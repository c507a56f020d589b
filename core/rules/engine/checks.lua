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
      problem(t.at, 'title "%s": its `after` list loops back to itself (%s)', code,
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
  if not E.campaign_decl then problem("(ruleset)", "no campaign { ... } is declared") end
  for _, id in ipairs(criterion_order) do
    local c = criteria[id]
    if #c.after > 0 then
      if c.subject ~= "person" then
        problem(c.at, 'criterion "%s": only person criteria may come after titles', id)
      end
      for _, a in ipairs(c.after) do
        if not titles[a] then
          problem(c.at, 'criterion "%s": after names an unknown title "%s"', id, a)
        elseif titles[a].subject ~= "unit" then
          problem(c.at, 'criterion "%s": after may name unit titles only ("%s" is a person title)', id, a)
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
        problem(t.at, 'title "%s": requires names an unknown criterion "%s"', code, r)
      elseif c.subject ~= t.subject then
        problem(t.at, 'title "%s": requires criterion "%s" of another subject', code, r)
      end
    end
    for _, a in ipairs(t.after) do
      local dep = titles[a]
      if not dep then
        problem(t.at, 'title "%s": after names an unknown title "%s"', code, a)
      elseif t.subject == "person" and dep.subject == "unit" then
        problem(t.at, 'title "%s": a person title cannot come after the unit title "%s"; '
          .. 'use a criterion with after = { "%s" } (like CN7) and require it', code, a, a)
      end
    end
  end
  order_titles()
  return #problems == 0
end

E.finish = finish
