-- tests/load/load.lua: the wrk script of tests/load/run.  Every response
-- is recorded: a count per status, the wall-clock time (ms) and status of
-- every response of 500 or above, and a sample of distinct error bodies.
-- Driven by environment variables:
--   LOAD_PATHS   file of request paths, one per line, used in turn
--   LOAD_CREDS   file of Bearer credentials, one per line, used in turn
--   LOAD_MAX     stop a thread after this many responses (a bound)
--   LOAD_OUT     where done() writes the record (one line per fact)
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } load_timespec;
int clock_gettime(int clk, load_timespec *ts);
]]
local ts = ffi.new("load_timespec")

local threads = {}

function setup(thread)
	thread:set("tid", #threads + 1)
	table.insert(threads, thread)
end

local function lines(path)
	local t = {}
	for l in io.lines(path) do
		if l ~= "" then t[#t + 1] = l end
	end
	return t
end

function init(args)
	paths = lines(os.getenv("LOAD_PATHS"))
	creds = lines(os.getenv("LOAD_CREDS"))
	maxn = tonumber(os.getenv("LOAD_MAX") or "100000")
	-- threads start at different places in the lists
	pi = tid
	ci = tid
	n = 0
	counts = {}
	events = {}
	nevents = 0
	bodies = {}
	nbodies = 0
end

function request()
	pi = pi % #paths + 1
	ci = ci % #creds + 1
	return wrk.format("GET", paths[pi], { ["Authorization"] = "Bearer " .. creds[ci] })
end

local function now_ms()
	ffi.C.clock_gettime(0, ts)
	return tonumber(ts.tv_sec) * 1000 + math.floor(tonumber(ts.tv_nsec) / 1000000)
end

function response(status, headers, body)
	n = n + 1
	local k = tostring(status)
	counts[k] = (counts[k] or 0) + 1
	if status >= 500 and nevents < 50000 then
		nevents = nevents + 1
		events[tostring(nevents)] = now_ms() .. " " .. status
	end
	if status ~= 200 and nbodies < 40 and body ~= nil then
		local b = k .. " " .. body:gsub("[\r\n]", " ")
		local seen = false
		for _, v in pairs(bodies) do
			if v == b then seen = true end
		end
		if not seen then
			nbodies = nbodies + 1
			bodies[tostring(nbodies)] = b
		end
	end
	if n >= maxn then
		wrk.thread:stop()
	end
end

function done(summary, latency, requests)
	local f = assert(io.open(os.getenv("LOAD_OUT"), "w"))
	f:write(string.format("requests %d\n", summary.requests))
	for _, e in ipairs({ "connect", "read", "write", "status", "timeout" }) do
		f:write(string.format("error %s %d\n", e, summary.errors[e]))
	end
	f:write(string.format("latency_p99_ms %.1f\n", latency:percentile(99) / 1000))
	f:write(string.format("latency_max_ms %.1f\n", latency.max / 1000))
	for _, t in ipairs(threads) do
		for k, v in pairs(t:get("counts")) do
			f:write(string.format("status %s %d\n", k, v))
		end
		for _, v in pairs(t:get("events")) do
			f:write("event " .. v .. "\n")
		end
		for _, v in pairs(t:get("bodies")) do
			f:write("body " .. v .. "\n")
		end
	end
	f:close()
end
