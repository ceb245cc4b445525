-- wrk: every request books a different slot for one client of the signed-in guide, so the
-- benchmark measures bookings that succeed (clash and travel checks included), not refusals.
-- BENCH_CLIENT names the client; slots start a year and a half ahead, clear of seeded visits.
local client = os.getenv("BENCH_CLIENT")
local base = os.time() + 540 * 86400
local created = 0

-- Runs in the main state once per thread: each thread gets its own id, and a stride (an upper
-- bound of wrk's threads) so that ids never meet.
function setup(thread)
  thread:set("id", created)
  thread:set("stride", 4)
  created = created + 1
end

local n = 0

function request()
  n = n + 1
  local k = n * stride + id
  -- Ten one-hour slots a day from 8.00, each visit 45 minutes, all at one place.
  local day = math.floor(k / 10)
  local hour = 8 + k % 10
  local date = os.date("!%Y-%m-%d", base + day * 86400)
  local body = string.format(
    "form[client_id]=%s&form[kind]=home_visit&form[date]=%s&form[start]=%02d:00&form[end]=%02d:45&form[place]=Sein%%C3%%A4joki",
    client, date, hour, hour)
  -- wrk.format does not add the -H headers (cookie, origin) to a table of one's own.
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  return wrk.format("POST", "/api/visits/book", headers, body)
end
