ordo_add_check_test(test_err SOURCES unit/test_err.c LIBS ordo_base LABELS "unit;base")
ordo_add_check_test(test_arena SOURCES unit/test_arena.c LIBS ordo_base LABELS "unit;base")
ordo_add_check_test(test_buf SOURCES unit/test_buf.c LIBS ordo_base LABELS "unit;base")
