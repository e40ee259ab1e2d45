#include "read/instance_ring.h"

#include <fcntl.h>
#include <unistd.h>

// libtraceevent 1.7's kbuffer.h has no extern "C" of its own.
extern "C" {
#include <kbuffer.h>
}

#include <cerrno>
#include <memory>

#include "core/errors.h"

namespace ftnt {
namespace {

struct FreeKbuffer {
    void operator()(kbuffer* buffer) const { kbuffer_free(buffer); }
};

}  // namespace

SubBuffer decode_sub_buffer(std::span<const uint8_t> page, uint32_t cpu) {
    SubBuffer out;
    std::unique_ptr<kbuffer, FreeKbuffer> buffer(
        kbuffer_alloc(KBUFFER_LSIZE_8, KBUFFER_ENDIAN_LITTLE));
    std::vector<uint8_t> copy(page.begin(), page.end());
    if (!buffer || copy.size() < 16 || kbuffer_load_subbuffer(buffer.get(), copy.data()) < 0)
        return out;
    int missed = kbuffer_missed_events(buffer.get());
    // -1: the kernel lost events before this page but had no room to say how many.
    if (missed != 0) out.missed = missed < 0 ? 1 : static_cast<uint64_t>(missed);
    unsigned long long ts = 0;
    for (void* data = kbuffer_read_event(buffer.get(), &ts); data;
         data = kbuffer_next_event(buffer.get(), &ts)) {
        int size = kbuffer_event_size(buffer.get());
        if (size <= 0) continue;
        auto* bytes = static_cast<const uint8_t*>(data);
        out.events.push_back({ts, cpu, {bytes, bytes + size}});
    }
    return out;
}

InstanceRing::InstanceRing(const std::string& instance_dir, const std::vector<int>& cpus)
    : page_(static_cast<std::size_t>(::getpagesize())) {
    for (int cpu : cpus) {
        auto path = instance_dir + "/per_cpu/cpu" + std::to_string(cpu) + "/trace_pipe_raw";
        UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
        if (!fd) throw KernelError(errno_message("cannot open " + path, errno));
        cpus_.push_back({cpu, std::move(fd)});
    }
}

void InstanceRing::read(const std::function<void(RingEvent&)>& on_event,
                        const std::function<void(int cpu, uint64_t lost)>& on_lost) {
    for (auto& cpu : cpus_) {
        // Bounded: a CPU writing faster than this reads is left for the next round.
        for (int pages = 0; pages < 256; ++pages) {
            ssize_t got = ::read(cpu.fd.get(), page_.data(), page_.size());
            if (got <= 0) break;
            auto sub = decode_sub_buffer({page_.data(), static_cast<std::size_t>(got)},
                                         static_cast<uint32_t>(cpu.cpu));
            if (sub.missed) {
                lost_[cpu.cpu] += sub.missed;
                on_lost(cpu.cpu, sub.missed);
            }
            for (auto& event : sub.events) on_event(event);
        }
    }
}

uint64_t InstanceRing::lost_total() const {
    uint64_t total = 0;
    for (const auto& [cpu, lost] : lost_) total += lost;
    return total;
}

}  // namespace ftnt
