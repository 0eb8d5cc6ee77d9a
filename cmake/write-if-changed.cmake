# ordo_write_if_changed(PATH CONTENT): for the build-time generators (cmake -P): write the file
# only when its content changes, so that unchanged builds stay incremental.
function(ordo_write_if_changed path content)
  set(old "")
  if(EXISTS ${path})
    file(READ ${path} old)
  endif()
  if(NOT "${old}" STREQUAL "${content}")
    file(WRITE ${path} "${content}")
  endif()
endfunction()
