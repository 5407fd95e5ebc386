-- bench/check.lua: the wrk script of bench/run.  Every response is checked
-- (status and body), so a run that serves errors or empty pages cannot
-- pass for a fast one.  Driven by environment variables:
--   BENCH_PATH     the request path (with query string)
--   BENCH_KIND     list: status 200, a page with exactly BENCH_ITEMS items
--                  exact: status 200 and the body equal to BENCH_BODY
--   BENCH_ITEMS    items a list page must carry
--   BENCH_ITEM     the text that starts an item (default "lid":", a
--                  group's is "groupJid":")
--   BENCH_BODY     the exact body (kind exact)
--   BENCH_CREDS    file of credentials, one per line (optional)
--   BENCH_HEADER   "authorization" (Bearer) or "x-api-key"
--   BENCH_FRESH    1: every request a different credential; each thread
--                  takes its own slice and counts it if the slice runs out
-- done() prints one line: BENCH good=.. bad=.. exhausted=.. ...

local threads = {}

function setup(thread)
	thread:set("tid", #threads + 1)
	table.insert(threads, thread)
end

function init(args)
	path = os.getenv("BENCH_PATH")
	kind = os.getenv("BENCH_KIND") or "list"
	items = tonumber(os.getenv("BENCH_ITEMS") or "0")
	marker = os.getenv("BENCH_ITEM") or '"lid":"'
	expect = os.getenv("BENCH_BODY") or ""
	header = os.getenv("BENCH_HEADER") or "authorization"
	fresh = os.getenv("BENCH_FRESH") == "1"
	local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
	creds = {}
	local f = os.getenv("BENCH_CREDS")
	if f and f ~= "" then
		local all = {}
		for line in io.lines(f) do
			if line ~= "" then all[#all + 1] = line end
		end
		if fresh then
			-- a disjoint slice per thread: no token is ever sent twice
			local n = math.floor(#all / nthreads)
			for i = (tid - 1) * n + 1, tid * n do creds[#creds + 1] = all[i] end
		else
			creds = all
		end
	end
	idx = 0
	good = 0
	bad = 0
	exhausted = 0
	sample = ""
end

function request()
	local h = {}
	if #creds > 0 then
		idx = idx + 1
		if idx > #creds then
			idx = 1
			if fresh then exhausted = exhausted + 1 end
		end
		if header == "authorization" then
			h["Authorization"] = "Bearer " .. creds[idx]
		else
			h["x-api-key"] = creds[idx]
		end
	end
	return wrk.format("GET", path, h)
end

-- Counts the items of a page.  A plain find loop: gsub would copy the
-- body and cost ~27 us per 4.7 KB page in LuaJIT (find: ~4 us), CPU that
-- the measured stack shares with wrk on a small machine.
function count_items(body)
	local n, pos = 0, 1
	while true do
		local s = string.find(body, marker, pos, true)
		if s == nil then return n end
		n = n + 1
		pos = s + #marker
	end
end

function response(status, headers, body)
	local ok = false
	if status == 200 then
		if kind == "list" then
			ok = count_items(body) == items and body:sub(1, 9) == '{"data":[' and
			    string.find(body, '"nextCursor":"', 1, true) ~= nil
		else
			ok = body == expect
		end
	end
	if ok then
		good = good + 1
	else
		bad = bad + 1
		if sample == "" then sample = status .. " " .. string.sub(body or "", 1, 200) end
	end
end

function done(summary, latency, requests)
	local g, b, ex, s = 0, 0, 0, ""
	for _, t in ipairs(threads) do
		g = g + t:get("good")
		b = b + t:get("bad")
		ex = ex + t:get("exhausted")
		if s == "" then s = t:get("sample") end
	end
	local e = summary.errors
	io.write(string.format(
	    "BENCH good=%d bad=%d exhausted=%d requests=%d duration_us=%d " ..
	    "p50_us=%d p99_us=%d sockerr=%d\n",
	    g, b, ex, summary.requests, summary.duration,
	    latency:percentile(50), latency:percentile(99),
	    e.connect + e.read + e.write + e.timeout))
	if s ~= "" then io.write("BENCH sample of a bad response: " .. s .. "\n") end
end
