# Installation and the Debian package (deploy/README.md, "Packaging"). Included at the end of the
# top-level CMakeLists.txt, once every target exists.
#   cmake --install build --prefix /tmp/x      a tree
#   cmake --build build --target package       build/dmsc_<version>_amd64.deb

install(TARGETS dmsc-forwarder dmsc-controld dmsc-trafficgen dmsc-exporter dmscctl RUNTIME DESTINATION bin)
# The YANG modules both daemons validate their JSON configuration against (config/).
install(FILES ${PROJECT_SOURCE_DIR}/config/yang/dmsc-controld.yang ${PROJECT_SOURCE_DIR}/config/yang/dmsc-forwarder.yang
        DESTINATION share/dmsc/yang)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/deploy/hugepages.sh DESTINATION lib/dmsc)
# The units name /usr/bin and /usr/lib/dmsc: the package's paths.
install(FILES ${PROJECT_SOURCE_DIR}/deploy/systemd/dmsc-forwarder.service
              ${PROJECT_SOURCE_DIR}/deploy/systemd/dmsc-controld.service
              ${PROJECT_SOURCE_DIR}/deploy/systemd/dmsc-exporter.service
              ${PROJECT_SOURCE_DIR}/deploy/systemd/dmsc-hugepages.service
        DESTINATION lib/systemd/system)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/deploy/examples/ DESTINATION share/doc/dmsc/examples)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/dmsc)
foreach(component dataplane control tools deploy)
  install(FILES ${PROJECT_SOURCE_DIR}/${component}/README.md DESTINATION share/doc/dmsc/${component})
endforeach()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION share/doc/dmsc/docs FILES_MATCHING PATTERN "*.md")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME dmsc)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "dmsc project")
set(CPACK_PACKAGE_CONTACT "dmsc maintainers <dmsc-maintainers@lists.example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "service routing by name: DPDK forwarder, IS-IS control daemon, exporter")
set(CPACK_PACKAGE_DESCRIPTION
    "dmsc routes microservice traffic by service name (draft-li-dmsc-architecture): dmsc-forwarder, a DPDK\n"
    "poll-mode forwarder doing longest name-prefix match, dmsc-controld, an IS-IS daemon flooding Service\n"
    "Prefixes, dmsc-exporter for Prometheus, dmsc-trafficgen, and their systemd units.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://datatracker.ietf.org/doc/draft-li-dmsc-architecture/")
# The libraries the binaries link (librte-*23, libssl3, libstdc++...) come from dpkg-shlibdeps;
# these are loaded at run time instead: the mempool driver every pool needs and the TAP PMD of
# the punt path (NIC PMDs come with dpdk, recommended).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "librte-mempool-ring23, librte-net-tap23")  # libssl3 (libcrypto) via shlibdeps
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "dpdk, frr")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "prometheus")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/deploy/debian/postinst ${PROJECT_SOURCE_DIR}/deploy/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
