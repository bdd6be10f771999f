-- One URL per run (bench/run.py alternates the runs). Settings come from the environment:
-- BENCH_METHOD, BENCH_BODY, BENCH_HEADERS ("Name: value" lines), BENCH_EXPECT (status).
-- With BENCH_MIX (a file of "METHOD<TAB>PATH<TAB>HEADERS joined by |<TAB>BODY" lines) each
-- request takes the next line instead. done() prints one JSON line.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function parse_headers(text, sep)
  local headers = {}
  for line in string.gmatch(text or "", "[^" .. sep .. "]+") do
    local k, v = string.match(line, "^([^:]+):%s*(.*)$")
    if k then headers[k] = v end
  end
  return headers
end

local mix = {}
local position = 0

function init(args)
  unexpected = 0
  expect = tonumber(os.getenv("BENCH_EXPECT") or "200")
  local mixfile = os.getenv("BENCH_MIX")
  if mixfile and mixfile ~= "" then
    for line in io.lines(mixfile) do
      local method, path, headers, body = string.match(line, "^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
      table.insert(mix, wrk.format(method, path, parse_headers(headers, "|"),
                                   body ~= "" and body or nil))
    end
  else
    wrk.method = os.getenv("BENCH_METHOD") or "GET"
    local body = os.getenv("BENCH_BODY")
    if body and body ~= "" then wrk.body = body end
    for k, v in pairs(parse_headers(os.getenv("BENCH_HEADERS"), "\n")) do
      wrk.headers[k] = v
    end
  end
end

if (os.getenv("BENCH_MIX") or "") ~= "" then
  -- only in a mix: a static request is cheaper, so a single-URL run leaves request() unset
  function request()
    position = position % #mix + 1
    return mix[position]
  end
end

function response(status, headers, body)
  if #mix > 0 then
    if status >= 300 then unexpected = unexpected + 1 end  -- 200s, and 201 for a write
  elseif status ~= expect then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("unexpected") end
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"mean_us": %.1f, "unexpected_status": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.mean, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout))
end
