-- A mix of GET /projects/{id}, GET /projects?limit=20 and POST /projects, for bench/scale.py.
-- Besides common.lua's BENCH_JSON line it prints BENCH_STATUS_JSON: the count of every
-- status, and a timeline of responses per 100 ms (wall clock) and class: 2xx, 503,
-- other 5xx, other. The clock is read through LuaJIT's FFI: wrk's Lua has no other
-- sub-second wall clock.
-- Arguments: ids=PATH prefix=TEXT [read=50] [list=30] (percent; create takes the rest)
--            [token=JWT]
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
local ffi = require("ffi")

ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *now);
]])
local CLOCK_REALTIME = 0
local now = ffi.new("bench_timespec")

-- Per-thread globals, read by done() through thread:get().
statuses = {}
timeline = {}

local threads = {}
local paths = {}
local prefix
local sent = 0
local read_share, list_share
local template = '{"name":"%s-%d-%d","summary":"Made by the scale benchmark",'
   .. '"budget":"1250.50","due_on":"2026-06-30"}'

function setup(thread)
   common.setup(thread)
   table.insert(threads, thread)
end

function init(args)
   local options = common.init(args)
   for line in io.lines(options.ids or error("mix.lua needs ids=...")) do
      if #line > 0 then
         table.insert(paths, "/projects/" .. line)
      end
   end
   prefix = options.prefix or error("mix.lua needs prefix=...")
   read_share = tonumber(options.read or "50")
   list_share = tonumber(options.list or "30")
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   local pick = math.random(100)
   if pick <= read_share then
      return wrk.format("GET", paths[math.random(#paths)])
   elseif pick <= read_share + list_share then
      return wrk.format("GET", "/projects?limit=20&offset=0")
   end
   sent = sent + 1
   return wrk.format("POST", "/projects", nil, string.format(template, prefix, thread_number, sent))
end

local function class_of(status)
   if status >= 200 and status <= 299 then
      return "2xx"
   elseif status == 503 then
      return "503"
   elseif status >= 500 then
      return "5xx"
   end
   return "other"
end

function response(status, headers, body)
   common.response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   ffi.C.clock_gettime(CLOCK_REALTIME, now)
   local tick = tonumber(now.tv_sec) * 10 + math.floor(tonumber(now.tv_nsec) / 100000000)
   local key = tick .. ":" .. class_of(status)
   timeline[key] = (timeline[key] or 0) + 1
end

function done(summary, latency, requests)
   common.done(summary, latency, requests)
   local counts, ticks = {}, {}
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses")) do
         counts[status] = (counts[status] or 0) + count
      end
      for key, count in pairs(thread:get("timeline")) do
         ticks[key] = (ticks[key] or 0) + count
      end
   end
   local parts = {}
   for status, count in pairs(counts) do
      table.insert(parts, string.format('"%d":%d', status, count))
   end
   local points = {}
   for key, count in pairs(ticks) do
      local tick, class = key:match("^(%d+):(.+)$")
      table.insert(points, string.format('[%s,"%s",%d]', tick, class, count))
   end
   io.write('BENCH_STATUS_JSON {"statuses":{' .. table.concat(parts, ",") .. '},"timeline":['
      .. table.concat(points, ",") .. "]}\n")
end
