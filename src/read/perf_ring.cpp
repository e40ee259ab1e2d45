#include "read/perf_ring.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "core/errors.h"

namespace ftnt {
namespace {

RingMemory map_ring(int fd, std::size_t data_pages, void*& base, std::size_t& length) {
    auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    length = (1 + data_pages) * page;
    base = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        base = nullptr;
        throw KernelError(errno_message("mmap of the perf ring (" + std::to_string(length / 1024) +
                                            " KiB; see kernel.perf_event_mlock_kb)",
                                        errno));
    }
    auto* meta = static_cast<perf_event_mmap_page*>(base);
    // data_offset/data_size exist since 4.1; older kernels put the data right after page 0.
    uint64_t offset = meta->data_offset ? meta->data_offset : page;
    uint64_t size = meta->data_size ? meta->data_size : data_pages * page;
    return {meta, static_cast<uint8_t*>(base) + offset, size};
}

}  // namespace

MappedRing::MappedRing(int fd, std::size_t data_pages)
    : cursor_(map_ring(fd, data_pages, base_, length_)) {}

MappedRing::~MappedRing() {
    if (base_) ::munmap(base_, length_);
}

}  // namespace ftnt
