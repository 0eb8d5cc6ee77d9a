# Run at build time (cmake -P): write ordo_version.h with the current commit,
# touching the file only when it changes, so `ordo version` is never stale
# and unchanged builds stay incremental.
execute_process(COMMAND git rev-parse --short=12 HEAD
                WORKING_DIRECTORY ${SRC} OUTPUT_VARIABLE commit
                OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
execute_process(COMMAND git status --porcelain --untracked-files=no
                WORKING_DIRECTORY ${SRC} OUTPUT_VARIABLE dirty
                OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(commit AND dirty)
  set(commit "${commit}-dirty")
endif()
set(content "#define ORDO_VERSION \"${VERSION}\"\n#define ORDO_COMMIT \"${commit}\"\n")
include(${CMAKE_CURRENT_LIST_DIR}/write-if-changed.cmake)
ordo_write_if_changed(${OUT} "${content}")
