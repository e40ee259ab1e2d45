// Reader of one perf mmap ring: page 0 is struct perf_event_mmap_page, then 2^n data pages.
#pragma once

#include <linux/perf_event.h>

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace ftnt {

// A ring's memory, whether mapped from the kernel or built by a test.
struct RingMemory {
    perf_event_mmap_page* meta = nullptr;
    uint8_t* data = nullptr;
    uint64_t size = 0;  // power of two
};

class RingCursor {
  public:
    explicit RingCursor(RingMemory memory) : memory_(memory) {}

    // Calls on_record(std::span<const uint8_t>) for each complete record between data_tail and
    // data_head, copying a record that wraps past the end, then releases the space.
    template <typename OnRecord>
    std::size_t drain(OnRecord&& on_record) {
        uint64_t head = __atomic_load_n(&memory_.meta->data_head, __ATOMIC_ACQUIRE);
        uint64_t tail = memory_.meta->data_tail;
        std::size_t records = 0;
        while (tail + sizeof(perf_event_header) <= head) {
            perf_event_header header;
            copy_out(tail, &header, sizeof header);
            if (header.size < sizeof header || tail + header.size > head) break;
            on_record(view(tail, header.size));
            tail += header.size;
            ++records;
        }
        __atomic_store_n(&memory_.meta->data_tail, tail, __ATOMIC_RELEASE);
        return records;
    }

  private:
    void copy_out(uint64_t position, void* out, std::size_t n) const {
        uint64_t offset = position & (memory_.size - 1);
        std::size_t first = static_cast<std::size_t>(std::min<uint64_t>(n, memory_.size - offset));
        std::memcpy(out, memory_.data + offset, first);
        if (first < n) std::memcpy(static_cast<uint8_t*>(out) + first, memory_.data, n - first);
    }
    std::span<const uint8_t> view(uint64_t position, std::size_t n) {
        uint64_t offset = position & (memory_.size - 1);
        if (offset + n <= memory_.size) return {memory_.data + offset, n};
        wrapped_.resize(n);
        copy_out(position, wrapped_.data(), n);
        return {wrapped_.data(), n};
    }

    RingMemory memory_;
    std::vector<uint8_t> wrapped_;
};

// The kernel mapping of one event fd's ring; unmapped by the destructor.
class MappedRing {
  public:
    MappedRing(int fd, std::size_t data_pages);
    ~MappedRing();
    MappedRing(const MappedRing&) = delete;
    MappedRing& operator=(const MappedRing&) = delete;

    RingCursor& cursor() { return cursor_; }

  private:
    void* base_ = nullptr;
    std::size_t length_ = 0;
    RingCursor cursor_;
};

}  // namespace ftnt
