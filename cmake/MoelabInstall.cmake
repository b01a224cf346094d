# Installing the lab with the GNU directory layout (cmake --install build --prefix /usr), and the
# files a desktop needs: the .desktop entry, the icon (SVG and PNG sizes in hicolor), AppStream
# metainfo and man pages. Icons and man pages are made at build time: the PNGs from the SVG with
# rsvg-convert (librsvg2-bin), the man pages from each program's --help with help2man. Without
# those tools the build still succeeds and says what it leaves out.

# Debian's layout: /usr/share/doc/<package>, not the CMake project's name. Qt's or LibTorch's
# CMake files may have included GNUInstallDirs already, leaving an empty cache entry and the
# project's name in the variable: only a value the user gave (-DCMAKE_INSTALL_DOCDIR=...) stands.
if("$CACHE{CMAKE_INSTALL_DOCDIR}" STREQUAL "")
  set(CMAKE_INSTALL_DOCDIR "share/doc/moelab")
endif()
include(GNUInstallDirs)

find_program(MOELAB_RSVG_CONVERT rsvg-convert)
find_program(MOELAB_HELP2MAN help2man)
find_program(MOELAB_GZIP gzip)

set(MOELAB_DESKTOP_DIR ${PROJECT_BINARY_DIR}/desktop)
set(MOELAB_ICON_SVG ${PROJECT_SOURCE_DIR}/resources/icons/moelab.svg)
set(MOELAB_ICON_SIZES 16 22 24 32 48 64 128 256)
set(MOELAB_GENERATED_FILES "")

# ---- programs ----
install(TARGETS moelab-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/slurm-ablate.sh
        DESTINATION ${CMAKE_INSTALL_BINDIR} RENAME moelab-slurm-ablate)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/resources/ATTRIBUTION.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/docs/lab.png ${PROJECT_SOURCE_DIR}/docs/compare.png
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)

# ---- man pages, from --help ----
# help2man runs the freshly built program (`moelab --help` needs no display); pages are gzipped
# as Debian ships them.
function(moelab_man_page name program depends summary)
  set(page ${MOELAB_DESKTOP_DIR}/man/${name}.1)
  add_custom_command(
    OUTPUT ${page}.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${MOELAB_DESKTOP_DIR}/man
    COMMAND ${CMAKE_COMMAND} -E env MOELAB_CLI=$<TARGET_FILE:moelab-cli>
            ${MOELAB_HELP2MAN} --no-info --section=1 --name=${summary}
            --include=${PROJECT_SOURCE_DIR}/resources/man/moelab.h2m --output=${page} ${program}
    COMMAND ${MOELAB_GZIP} -9nf ${page}
    DEPENDS ${depends} moelab-cli ${PROJECT_SOURCE_DIR}/resources/man/moelab.h2m
    COMMENT "Man page ${name}(1) from ${name} --help"
    VERBATIM)
  install(FILES ${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  set(MOELAB_GENERATED_FILES ${MOELAB_GENERATED_FILES} ${page}.gz PARENT_SCOPE)
endfunction()

if(MOELAB_HELP2MAN AND MOELAB_GZIP)
  moelab_man_page(moelab-cli $<TARGET_FILE:moelab-cli> moelab-cli
                  "train a growing mixture of experts headless, alone or as a grid")
  set(slurm_script ${PROJECT_SOURCE_DIR}/scripts/slurm-ablate.sh)
  moelab_man_page(moelab-slurm-ablate ${slurm_script} ${slurm_script}
                  "run a moelab-cli ablation grid as a Slurm job array")
  if(TARGET moelab)
    moelab_man_page(moelab $<TARGET_FILE:moelab> moelab "${MOELAB_SUMMARY}")
  endif()
else()
  message(STATUS "help2man not found: no man pages (apt-get install help2man)")
endif()

# ---- the window's desktop entry, icon and AppStream metainfo ----
if(TARGET moelab)
  install(TARGETS moelab RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

  configure_file(${PROJECT_SOURCE_DIR}/resources/desktop/moelab.desktop.in
                 ${MOELAB_DESKTOP_DIR}/${MOELAB_APP_ID}.desktop @ONLY)
  configure_file(${PROJECT_SOURCE_DIR}/resources/desktop/moelab.metainfo.xml.in
                 ${MOELAB_DESKTOP_DIR}/${MOELAB_APP_ID}.metainfo.xml @ONLY)
  install(FILES ${MOELAB_DESKTOP_DIR}/${MOELAB_APP_ID}.desktop
          DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${MOELAB_DESKTOP_DIR}/${MOELAB_APP_ID}.metainfo.xml
          DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)

  set(hicolor ${CMAKE_INSTALL_DATADIR}/icons/hicolor)
  install(FILES ${MOELAB_ICON_SVG} DESTINATION ${hicolor}/scalable/apps
          RENAME ${MOELAB_APP_ID}.svg)
  if(MOELAB_RSVG_CONVERT)
    foreach(size ${MOELAB_ICON_SIZES})
      set(png ${MOELAB_DESKTOP_DIR}/icons/${size}x${size}/${MOELAB_APP_ID}.png)
      add_custom_command(
        OUTPUT ${png}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${MOELAB_DESKTOP_DIR}/icons/${size}x${size}
        COMMAND ${MOELAB_RSVG_CONVERT} --width=${size} --height=${size} --output=${png}
                ${MOELAB_ICON_SVG}
        DEPENDS ${MOELAB_ICON_SVG}
        VERBATIM)
      install(FILES ${png} DESTINATION ${hicolor}/${size}x${size}/apps)
      list(APPEND MOELAB_GENERATED_FILES ${png})
    endforeach()
  else()
    message(STATUS "rsvg-convert not found: the icon is installed as SVG only "
                   "(apt-get install librsvg2-bin)")
  endif()
endif()

add_custom_target(moelab_desktop_files ALL DEPENDS ${MOELAB_GENERATED_FILES})

# What the package test checks against: was the build able to make every generated file?
if(MOELAB_HELP2MAN AND MOELAB_GZIP AND MOELAB_RSVG_CONVERT)
  set(MOELAB_INSTALLS_EVERYTHING ON)
else()
  set(MOELAB_INSTALLS_EVERYTHING OFF)
endif()
