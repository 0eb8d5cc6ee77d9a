-- bench/http-start.lua - wrk script of bench/run-http.sh: every request starts one instance,
-- POST /api/instances {"processId":PROCESS} with the API key as a Bearer token.
--
--     wrk ... -s bench/http-start.lua URL -- KEY PROCESS

function init(args)
   if #args < 2 then
      error("usage: wrk ... -s http-start.lua URL -- KEY PROCESS")
   end
   wrk.method = "POST"
   wrk.path = "/api/instances"
   wrk.headers["Authorization"] = "Bearer " .. args[1]
   wrk.headers["Content-Type"] = "application/json"
   wrk.body = '{"processId":"' .. args[2] .. '"}'
end
