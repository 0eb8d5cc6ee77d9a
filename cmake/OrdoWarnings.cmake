# The warning set of STYLE.md, applied to every target of ours (never to
# third-party code). ORDO_WERROR turns them into errors; ORDO_SANITIZE adds
# ASan and UBSan to compile and link lines, ORDO_TSAN ThreadSanitizer.
set(ORDO_WARNINGS
    -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wformat=2 -Wvla -Wconversion -Wno-sign-conversion)
add_compile_options(${ORDO_WARNINGS})
if(ORDO_WERROR)
  add_compile_options(-Werror)
endif()
if(ORDO_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(ORDO_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
