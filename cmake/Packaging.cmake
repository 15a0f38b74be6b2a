# The dfs .deb (Debian 12): install() rules for the binaries, the mount helper, the systemd units,
# the dfs user and example configs under /etc/dfs, and CPack's DEB generator.
#   bash scripts/package.sh      (release build + cpack; prints the package's path)
# System paths are absolute (mount(8) looks for helpers in /sbin only; units go where Debian puts
# packaged ones), programs and docs go below the prefix, which is /usr in the package.

set(DFS_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging)

install(TARGETS dfs-server dfc dfs-fuse RUNTIME DESTINATION bin)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/fuse/mount.fuse.dfs DESTINATION /sbin)
install(FILES ${DFS_PACKAGING_DIR}/systemd/dfs-server@.service ${DFS_PACKAGING_DIR}/systemd/mnt-dfs.mount
        DESTINATION /lib/systemd/system)
install(FILES ${DFS_PACKAGING_DIR}/sysusers/dfs.conf DESTINATION lib/sysusers.d)
install(FILES ${DFS_PACKAGING_DIR}/etc/servers/dfs1.yaml DESTINATION /etc/dfs/servers)
# dfc.yaml holds a password: root only. The users file gets group dfs in postinst.
install(FILES ${DFS_PACKAGING_DIR}/etc/dfc.yaml DESTINATION /etc/dfs PERMISSIONS OWNER_READ OWNER_WRITE)
install(FILES ${DFS_PACKAGING_DIR}/etc/users DESTINATION /etc/dfs PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)

# Each program's --help, generated from the built binary so it cannot drift from the code.
set(DFS_HELP_DIR ${CMAKE_BINARY_DIR}/doc)
set(DFS_HELP_FILES)
foreach(program dfs-server dfc dfs-fuse)
  set(help_file ${DFS_HELP_DIR}/${program}.txt)
  add_custom_command(OUTPUT ${help_file}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${DFS_HELP_DIR}
    COMMAND $<TARGET_FILE:${program}> --help > ${help_file}
    DEPENDS ${program}
    COMMENT "Writing ${program} --help to doc/${program}.txt"
    VERBATIM)
  list(APPEND DFS_HELP_FILES ${help_file})
endforeach()
add_custom_target(dfs-help-docs ALL DEPENDS ${DFS_HELP_FILES})
install(FILES ${DFS_HELP_FILES} ${DFS_PACKAGING_DIR}/systemd/fstab.example ${PROJECT_SOURCE_DIR}/docs/operations.md
        DESTINATION share/doc/dfs)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME dfs)
set(CPACK_PACKAGE_VENDOR dfs)
set(CPACK_PACKAGE_CONTACT "dfs maintainers <dfs@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "dfs distributed file store: storage server, dfc client and FUSE mount")
set(CPACK_PACKAGE_DESCRIPTION "dfs-server stores every file as 4 parts, each on 2 servers; dfc is its \
command-line client and dfs-fuse mounts the store (mount -t fuse.dfs, fstab). The servers run as \
systemd units dfs-server@NAME.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# With CPACK_SET_DESTDIR the install runs with this prefix, not the build tree's CMAKE_INSTALL_PREFIX.
set(CPACK_INSTALL_PREFIX /usr)
# The absolute destinations above (/etc, /sbin, /lib/systemd) land in the package, not on the host.
set(CPACK_SET_DESTDIR ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# fusermount3 for dfs-fuse; adduser where systemd-sysusers is missing.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fuse3, adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${DFS_PACKAGING_DIR}/debian/conffiles
    ${DFS_PACKAGING_DIR}/debian/postinst
    ${DFS_PACKAGING_DIR}/debian/prerm
    ${DFS_PACKAGING_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
