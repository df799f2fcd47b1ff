-- POST /projects with a JSON body whose name is unique across runs, threads and requests.
-- Arguments: prefix=TEXT (unique per run) [token=JWT]
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")

setup = common.setup
response = common.response
done = common.done

local prefix
local sent = 0
local template = '{"name":"%s-%d-%d","summary":"Made by the benchmark",'
   .. '"budget":"1250.50","due_on":"2026-06-30"}'

function init(args)
   local options = common.init(args)
   prefix = options.prefix or error("create.lua needs prefix=...")
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   sent = sent + 1
   return wrk.format(nil, nil, nil, string.format(template, prefix, thread_number, sent))
end
