-- Shared by every bench script (loaded with dofile). It gives each thread a number,
-- reads `key=value` arguments, adds the bearer token when one is given, counts every
-- response whose status is not 2xx (wrk itself only counts >= 400), and prints one
-- `BENCH_JSON {...}` line that bench/run.py parses.

local common = {}
local threads = {}

-- Per-thread globals: thread:get() reads them from done().
non2xx = 0
first_bad_status = 0

function common.setup(thread)
   table.insert(threads, thread)
   thread:set("thread_number", #threads)
end

function common.init(args)
   local options = {}
   for _, argument in ipairs(args) do
      local key, value = argument:match("^([%w_]+)=(.*)$")
      if key == nil then
         error("bench script arguments are key=value, got: " .. argument)
      end
      options[key] = value
   end
   if options.token ~= nil and options.token ~= "" then
      wrk.headers["Authorization"] = "Bearer " .. options.token
   end
   math.randomseed(os.time() + 7919 * (thread_number or 0))
   return options
end

function common.response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      if first_bad_status == 0 then
         first_bad_status = status
      end
   end
end

function common.done(summary, latency, requests)
   local bad, first = 0, 0
   for _, thread in ipairs(threads) do
      bad = bad + thread:get("non2xx")
      if first == 0 then
         first = thread:get("first_bad_status")
      end
   end
   local errors = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"non2xx":%d,'
         .. '"first_bad_status":%d,"connect_errors":%d,"read_errors":%d,'
         .. '"write_errors":%d,"status_errors":%d,"timeouts":%d,"p50_us":%d,'
         .. '"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\n',
      summary.requests, summary.duration, summary.bytes, bad, first,
      errors.connect, errors.read, errors.write, errors.status, errors.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.mean, latency.max))
end

return common
