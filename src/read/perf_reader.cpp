#include "read/perf_reader.h"

#include <sys/epoll.h>

#include <cerrno>
#include <ctime>

#include "core/errors.h"
#include "core/monotonic_clock.h"
#include "read/perf_record.h"

namespace ftnt {

PerfReader::PerfReader(std::vector<int> cpus, RingOptions options)
    : cpus_(std::move(cpus)), options_(options), epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (!epoll_.valid()) throw KernelError(errno_message("epoll_create1", errno));
}

PerfReader::~PerfReader() {
    disable();
}

std::size_t PerfReader::add(const TracepointRequest& request) {
    std::size_t index = requests_.size();
    requests_.push_back(request);
    PerfEventSpec spec;
    spec.tracepoint_id = request.tracepoint_id;
    spec.sample_type = default_sample_type();
    spec.callchain = request.callchain;
    auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    spec.wakeup_bytes = static_cast<uint32_t>(options_.data_pages * page / 4);
    uint64_t sample_type = spec.sample_type | (spec.callchain ? PERF_SAMPLE_CALLCHAIN : 0);
    for (int cpu : cpus_) {
        spec.track_tasks = rings_[cpu].owner == nullptr;
        auto event = std::make_unique<PerfEvent>(spec, cpu);
        if (int error = event->set_filter(request.filter))
            throw KernelError(errno_message("the kernel refused the filter \"" + request.filter +
                                                "\" on " + request.system + ":" + request.name,
                                            error));
        attach_to_ring(*event);
        by_id_[event->id()] = {index, sample_type};
        events_.push_back(std::move(event));
    }
    return index;
}

void PerfReader::attach_to_ring(PerfEvent& event) {
    auto& cpu_ring = rings_[event.cpu()];
    if (cpu_ring.owner) {
        event.redirect_output_to(*cpu_ring.owner);
        return;
    }
    cpu_ring.owner = &event;
    cpu_ring.source = mapped_rings_++;
    cpu_ring.ring = std::make_unique<MappedRing>(event.fd().get(), options_.data_pages);
    epoll_event ev = {};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(event.cpu());
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, event.fd().get(), &ev) < 0)
        throw KernelError(errno_message("epoll_ctl", errno));
}

void PerfReader::enable_request(std::size_t index) {
    for (auto& event : events_)
        if (by_id_[event->id()].first == index) event->enable();
}

void PerfReader::hand_over(std::size_t from, std::size_t to) {
    enable_request(to);
    uint64_t moment = monotonic_now_ns();
    for (auto& event : events_)
        if (by_id_[event->id()].first == from) event->disable();
    retired_at_[from] = moment;
    started_at_[to] = moment;
}

bool PerfReader::accepts(uint64_t id, uint64_t time_ns) const {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return false;
    auto retired = retired_at_.find(it->second.first);
    if (retired != retired_at_.end() && time_ns >= retired->second) return false;
    auto started = started_at_.find(it->second.first);
    return started == started_at_.end() || time_ns >= started->second;
}

void PerfReader::enable() {
    for (auto& event : events_) event->enable();
}

void PerfReader::disable() {
    for (auto& event : events_) event->disable();
}

bool PerfReader::poll(int timeout_ms, int wake_fd) {
    if (!wake_registered_ && wake_fd >= 0) {
        epoll_event ev = {};
        ev.events = EPOLLIN;
        ev.data.u32 = kWakeTag;
        ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_fd, &ev);
        wake_registered_ = true;
    }
    epoll_event ready[16];
    int n = ::epoll_wait(epoll_.get(), ready, 16, timeout_ms);
    bool data = false;
    for (int i = 0; i < n; ++i) data = data || ready[i].data.u32 != kWakeTag;
    // Drain every ring, not only the ready ones: a ring below its watermark still holds
    // records that are due by the clock.
    for (auto& [cpu, cpu_ring] : rings_) drain(cpu_ring);
    return data || n == 0;
}

void PerfReader::drain(CpuRing& cpu_ring) {
    cpu_ring.ring->cursor().drain([&](std::span<const uint8_t> record) {
        auto header = read_record_header(record);
        if (!header) return;
        if (header->type == PERF_RECORD_LOST) {
            auto lost = parse_lost(record, default_sample_type());
            if (!lost) return;
            lost_by_cpu_[cpu_ring.owner->cpu()] += lost->lost;
            merger_.push(lost->time, record, cpu_ring.source);
            return;
        }
        if (header->type == PERF_RECORD_COMM || header->type == PERF_RECORD_FORK) {
            if (auto time = side_band_time(record, default_sample_type()))
                merger_.push(*time, record, cpu_ring.source);
            return;
        }
        if (header->type != PERF_RECORD_SAMPLE) return;
        // Only the time here: the stage that takes the record parses the rest, once.
        auto id = sample_identifier(record);
        auto time = id ? sample_time(record, sample_type_of(*id)) : std::nullopt;
        if (time) merger_.push(*time, record, cpu_ring.source);
    });
}

const TracepointRequest* PerfReader::request_of(uint64_t id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &requests_[it->second.first];
}

uint64_t PerfReader::sample_type_of(uint64_t id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? default_sample_type() : it->second.second;
}

uint64_t PerfReader::lost_total() const {
    uint64_t total = 0;
    for (const auto& [cpu, lost] : lost_by_cpu_) total += lost;
    return total;
}

}  // namespace ftnt
