# server/: routing, multipart bodies and rate limits, without a network.
ordo_add_check_test(test_route SOURCES unit/test_route.c LIBS ordo_server LABELS "unit;server")
