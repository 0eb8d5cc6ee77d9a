ordo_add_check_test(test_wh_standard SOURCES unit/test_wh_standard.c LIBS ordo_webhooks
  LABELS "unit;webhooks")
ordo_add_check_test(test_wh_approval SOURCES unit/test_wh_approval.c LIBS ordo_webhooks
  LABELS "unit;webhooks")
ordo_add_check_test(test_wh_schedule SOURCES unit/test_wh_schedule.c LIBS ordo_webhooks
  LABELS "unit;webhooks")
ordo_add_check_test(test_wh_verify SOURCES unit/test_wh_verify.c LIBS ordo_webhooks
  LABELS "unit;webhooks")
