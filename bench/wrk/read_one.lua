-- GET /projects/{id} with an id drawn at random from a file of ids, one per line.
-- Arguments: ids=PATH [token=JWT]
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")

setup = common.setup
response = common.response
done = common.done

local paths = {}

function init(args)
   local options = common.init(args)
   for line in io.lines(options.ids) do
      if #line > 0 then
         table.insert(paths, "/projects/" .. line)
      end
   end
   if #paths == 0 then
      error("no ids in " .. options.ids)
   end
end

function request()
   return wrk.format("GET", paths[math.random(#paths)])
end
