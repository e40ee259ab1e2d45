# -DFTNETTRACE_STATIC=ON: sbin/ftnettrace linked statically (glibc included), for hosts whose
# glibc is older than the build machine's (EL7, Ubuntu 18.04) or that lack the libraries.
#
# ftnettrace_static_prefer_archives() runs before the pkg-config look-ups, so each imported
# target names lib*.a; ftnettrace_static_link(TARGET) after them adds what each archive needs
# (pkg-config --static) and links TARGET with -static. Netlink (--iptables-trace on nf_tables)
# is the project's own code (src/netfilter/netlink_*), so no libmnl.a is needed.

option(FTNETTRACE_STATIC "Link sbin/ftnettrace statically (one file that runs on any x86-64 Linux)"
       OFF)

macro(ftnettrace_static_prefer_archives)
  if(FTNETTRACE_STATIC)
    set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
  endif()
endmacro()

function(ftnettrace_static_link target)
  foreach(prefix IN ITEMS TRACEFS TRACEEVENT LIBDW LIBELF LIBBPF)
    set(needed ${${prefix}_STATIC_LIBRARIES})
    list(REMOVE_ITEM needed ${${prefix}_LIBRARIES})
    set_property(TARGET PkgConfig::${prefix} APPEND PROPERTY INTERFACE_LINK_LIBRARIES ${needed})
  endforeach()
  # libelf.a reads zstd-compressed sections (elfutils 0.188), which its .pc does not say.
  set_property(TARGET PkgConfig::LIBELF APPEND PROPERTY INTERFACE_LINK_LIBRARIES zstd)
  # Without it, libdw's debuginfod client would dlopen a shared library into this process.
  target_sources(${target} PRIVATE ${PROJECT_SOURCE_DIR}/src/core/static_no_dlopen.c)
  target_link_options(${target} PRIVATE -static)
endfunction()
