-- wrk: each connection waits BENCH_PACE_MS between its requests, so N connections ask at most
-- N * 1000 / BENCH_PACE_MS requests a second: a steady rate instead of as fast as possible.
local pace = tonumber(os.getenv("BENCH_PACE_MS") or "100")

function delay()
  return pace
end
