#!/bin/sh
# tests/tools/installed-catalogue.sh ORDO: the catalogue and the element templates of the
# connectors installed beside ORDO, in the form tests/oracle/element-templates.js reads
# ({"catalogue": ..., "templates": [...]}), so the oracle checks the real plugins too.
set -eu
ordo=$1
catalogue=$("$ordo" connector catalogue)
templates=$("$ordo" connector templates)
printf '{"catalogue":%s,"templates":%s}\n' "$catalogue" "$templates"
