# The Debian package (scripts/package.sh): CPack's DEB generator over the install rules of
# cmake/MoelabInstall.cmake. Depends comes from dpkg-shlibdeps (every shared library the
# programs link) plus OpenBLAS, which nothing links by name: LibTorch links libblas.so.3, which
# Debian's reference BLAS also provides, and training on it was measured 24x slower.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME moelab)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${MOELAB_SUMMARY}")
set(CPACK_PACKAGE_DESCRIPTION
    "A desktop lab (moelab) and a headless runner (moelab-cli) that train a small \
mixture-of-experts classifier which grows by splitting experts. Three fixes against expert \
collapse can be switched on and off while it trains; ablation grids compare them paired over \
seeds, on one machine or as one command per run for GNU parallel and Slurm.")
set(MOELAB_PACKAGE_MAINTAINER "MoE Growth Lab" CACHE STRING "The package's Maintainer field")
set(CPACK_PACKAGE_CONTACT "${MOELAB_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_OUTPUT_FILE_PREFIX ${PROJECT_BINARY_DIR}/package)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-pthread")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "dataset-fashion-mnist, parallel, slurm-client")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${MOELAB_HOMEPAGE_URL}")
include(CPack)
