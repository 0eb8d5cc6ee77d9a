# The build tree looks like an installed tree, so that paths relative to the
# executable (CONTRACTS.md §5 plugin_dir = ../lib/ordo/connectors) work the
# same before and after `cmake --install`.
include(GNUInstallDirs)
set(ORDO_BIN_DIR ${PROJECT_BINARY_DIR}/bin)
set(ORDO_PLUGIN_BUILD_DIR ${PROJECT_BINARY_DIR}/lib/ordo/connectors)
set(ORDO_PLUGIN_INSTALL_DIR lib/ordo/connectors)
# The web UI (ui_dir = ../share/ordo/ui): scripts/build-ui.sh fills it, since it needs npm.
set(ORDO_UI_BUILD_DIR ${PROJECT_BINARY_DIR}/share/ordo/ui)
set(ORDO_UI_INSTALL_DIR share/ordo)
# Folders that `cmake --install` creates on its way (bin/, lib/ordo/, share/ordo/) get 0755
# whatever the umask: the plugin loader refuses a group- or world-writable connectors folder
# (CONTRACTS.md §8), and a writable parent would let others swap that folder.
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
    GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
file(MAKE_DIRECTORY ${ORDO_BIN_DIR} ${ORDO_PLUGIN_BUILD_DIR})

# ordo_add_library(NAME SOURCES... [LIBS ...]): one static library per folder.
function(ordo_add_library name)
  cmake_parse_arguments(L "" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name} STATIC ${L_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(${name} PUBLIC ${L_LIBS})
endfunction()
