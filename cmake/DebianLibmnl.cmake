# libmnl for the static build, compiled from Debian's source package: Debian ships libmnl.so
# but no libmnl.a, and libnftnl.a calls libmnl (attributes, batches, callbacks).
#
# The .dsc is pinned by its SHA-256 (below); the .orig tarball is checked against the
# Checksums-Sha256 line of that .dsc. Both are kept in FTNETTRACE_SOURCE_CACHE, so a second
# configure (CI with a cache, an offline rebuild) downloads nothing. The mirror is the host's
# own Debian mirror from its apt sources, else deb.debian.org.
#
# ftnettrace_debian_libmnl(TARGET) defines a static library TARGET.

set(FTNETTRACE_LIBMNL_DSC libmnl_1.0.4-3.dsc)
set(FTNETTRACE_LIBMNL_DSC_SHA256 9dc308ffade8cc0cb7a7ee8925e25f338121f642a9a9caef535effd893d4830a)
set(FTNETTRACE_LIBMNL_POOL pool/main/libm/libmnl)

if(DEFINED ENV{XDG_CACHE_HOME})
  set(default_source_cache "$ENV{XDG_CACHE_HOME}/ftnettrace-sources")
else()
  set(default_source_cache "$ENV{HOME}/.cache/ftnettrace-sources")
endif()
set(FTNETTRACE_SOURCE_CACHE "${default_source_cache}" CACHE PATH
    "Where the static build keeps the Debian source packages it downloads")
set(FTNETTRACE_DEBIAN_MIRROR "" CACHE STRING
    "Debian mirror for source packages (empty: the host's apt sources, else deb.debian.org)")
set(FTNETTRACE_LIBMNL_SOURCE_DIR "" CACHE PATH
    "An unpacked libmnl 1.0.4 source tree used as is instead of Debian's (not verified)")

# The first URI ending in /debian in the host's apt sources (one-line and deb822 formats).
function(ftnettrace_host_debian_mirror out)
  file(GLOB lists /etc/apt/sources.list /etc/apt/sources.list.d/*.list)
  file(GLOB deb822 /etc/apt/sources.list.d/*.sources)
  set(uris)
  foreach(list IN LISTS lists)
    file(STRINGS "${list}" lines REGEX "^[ \t]*deb(-src)?[ \t]")
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "\\[[^]]*\\]" "" line "${line}")
      string(REGEX MATCH "[a-z]+://[^ \t]+" uri "${line}")
      list(APPEND uris "${uri}")
    endforeach()
  endforeach()
  foreach(sources IN LISTS deb822)
    file(STRINGS "${sources}" lines REGEX "^URIs:")
    foreach(line IN LISTS lines)
      string(REGEX MATCHALL "[a-z]+://[^ \t]+" found "${line}")
      list(APPEND uris ${found})
    endforeach()
  endforeach()
  set(mirror "http://deb.debian.org/debian")
  foreach(uri IN LISTS uris)
    if(uri MATCHES "^(https?|file)://.*/debian/?$")
      string(REGEX REPLACE "/$" "" mirror "${uri}")
      break()
    endif()
  endforeach()
  set(${out} "${mirror}" PARENT_SCOPE)
endfunction()

# Downloads URL to FILE unless FILE is there with SHA256 already; fails on a mismatch.
function(ftnettrace_fetch_verified url file sha256)
  if(EXISTS "${file}")
    file(SHA256 "${file}" have)
    if(have STREQUAL sha256)
      return()
    endif()
    file(REMOVE "${file}")
  endif()
  message(STATUS "Downloading ${url}")
  file(DOWNLOAD "${url}" "${file}.part" STATUS status)
  list(GET status 0 code)
  if(NOT code EQUAL 0)
    file(REMOVE "${file}.part")
    message(FATAL_ERROR "FTNETTRACE_STATIC: cannot download ${url}: ${status}. Put the file in "
                        "${FTNETTRACE_SOURCE_CACHE}, or set FTNETTRACE_LIBMNL_SOURCE_DIR.")
  endif()
  file(SHA256 "${file}.part" have)
  if(NOT have STREQUAL sha256)
    file(REMOVE "${file}.part")
    message(FATAL_ERROR "FTNETTRACE_STATIC: ${url} has SHA-256 ${have}, expected ${sha256}")
  endif()
  file(RENAME "${file}.part" "${file}")
endfunction()

# The unpacked source tree of Debian's libmnl, verified.
function(ftnettrace_debian_libmnl_source out)
  set(mirror "${FTNETTRACE_DEBIAN_MIRROR}")
  if(NOT mirror)
    ftnettrace_host_debian_mirror(mirror)
  endif()
  set(cache "${FTNETTRACE_SOURCE_CACHE}")
  file(MAKE_DIRECTORY "${cache}")
  set(pool "${mirror}/${FTNETTRACE_LIBMNL_POOL}")
  ftnettrace_fetch_verified("${pool}/${FTNETTRACE_LIBMNL_DSC}" "${cache}/${FTNETTRACE_LIBMNL_DSC}"
                            ${FTNETTRACE_LIBMNL_DSC_SHA256})
  # " <sha256> <size> libmnl_<version>.orig.tar.<compression>" under Checksums-Sha256.
  file(STRINGS "${cache}/${FTNETTRACE_LIBMNL_DSC}" lines
       REGEX "^ [0-9a-f]+ [0-9]+ libmnl_[^ ]*\\.orig\\.tar\\.[a-z0-9]+$")
  set(orig "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^ ([0-9a-f]+) [0-9]+ ([^ ]+)$")
      string(LENGTH "${CMAKE_MATCH_1}" digits)
      if(digits EQUAL 64)
        set(orig_sha256 "${CMAKE_MATCH_1}")
        set(orig "${CMAKE_MATCH_2}")
      endif()
    endif()
  endforeach()
  if(NOT orig)
    message(FATAL_ERROR "FTNETTRACE_STATIC: no SHA-256 of an .orig tarball in ${FTNETTRACE_LIBMNL_DSC}")
  endif()
  ftnettrace_fetch_verified("${pool}/${orig}" "${cache}/${orig}" ${orig_sha256})
  set(unpacked "${CMAKE_BINARY_DIR}/libmnl-source")
  file(REMOVE_RECURSE "${unpacked}")
  file(ARCHIVE_EXTRACT INPUT "${cache}/${orig}" DESTINATION "${unpacked}")
  file(GLOB top LIST_DIRECTORIES true "${unpacked}/libmnl-*")
  set(${out} "${top}" PARENT_SCOPE)
endfunction()

function(ftnettrace_debian_libmnl target)
  set(source "${FTNETTRACE_LIBMNL_SOURCE_DIR}")
  if(NOT source)
    ftnettrace_debian_libmnl_source(source)
  endif()
  foreach(file src/attr.c src/callback.c src/nlmsg.c src/socket.c include/libmnl/libmnl.h)
    if(NOT EXISTS "${source}/${file}")
      message(FATAL_ERROR "FTNETTRACE_STATIC: ${source} holds no libmnl source (${file})")
    endif()
  endforeach()
  # What libmnl's configure would write: the only setting its sources read.
  set(generated "${CMAKE_BINARY_DIR}/libmnl-config")
  file(WRITE "${generated}/config.h" "#define HAVE_VISIBILITY_HIDDEN 1\n")
  add_library(${target} STATIC ${source}/src/attr.c ${source}/src/callback.c
                               ${source}/src/nlmsg.c ${source}/src/socket.c)
  target_include_directories(${target} PRIVATE "${generated}" "${source}/include")
  target_compile_options(${target} PRIVATE -fvisibility=hidden -w)
  # Users include <libmnl/libmnl.h> alone; libmnl's own copy of <linux/netlink.h> stays private.
  set(public "${CMAKE_BINARY_DIR}/libmnl-include/libmnl")
  file(COPY "${source}/include/libmnl/libmnl.h" DESTINATION "${public}")
  target_include_directories(${target} SYSTEM INTERFACE "${CMAKE_BINARY_DIR}/libmnl-include")
endfunction()
