-- GET the URL as given (e.g. /projects?limit=20&offset=0). Arguments: [token=JWT]
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")

setup = common.setup
response = common.response
done = common.done

function init(args)
   common.init(args)
end
