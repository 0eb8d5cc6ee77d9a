# core/: the engine's graph compiler and runtime.
ordo_add_check_test(test_graph SOURCES unit/test_graph.c LIBS ordo_core LABELS "unit;core")
ordo_add_check_test(test_graph_corpus SOURCES unit/test_graph_corpus.c LIBS ordo_testsupport ordo_core LABELS "unit;core;corpus")
set_tests_properties(test_graph_corpus PROPERTIES SKIP_RETURN_CODE 77)
ordo_add_check_test(test_runtime SOURCES unit/test_runtime.c LIBS ordo_core LABELS "unit;core")
