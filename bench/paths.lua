-- wrk script of bench/scan_speed.py: cycles through the paths of a file (one per line), the threads starting at
-- evenly spread places (so a list of distinct pages is asked for once each until it wraps), and prints the
-- summary as one JSON line. Usage: wrk -t THREADS ... -s bench/paths.lua URL -- PATHS_FILE THREADS
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  local count = tonumber(args[2]) or 1
  index = math.floor((id or 0) * #paths / count) % #paths
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, "mean_us": %.1f, ' ..
    '"max_us": %d, "errors_connect": %d, "errors_read": %d, "errors_write": %d, "errors_status": %d, ' ..
    '"errors_timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    latency.mean, latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
