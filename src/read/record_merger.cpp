#include "read/record_merger.h"

#include <algorithm>
#include <cstring>

namespace ftnt {

void RecordMerger::push(uint64_t time, std::span<const uint8_t> bytes, uint32_t source) {
    uint32_t index = block_for(bytes.size());
    Block& block = blocks_[index];
    auto offset = static_cast<uint32_t>(block.used);
    if (!bytes.empty()) std::memcpy(block.bytes.data() + offset, bytes.data(), bytes.size());
    block.used += bytes.size();
    ++block.live;
    if (source >= queues_.size()) queues_.resize(source + 1);
    auto& queue = queues_[source];
    Entry entry{time, next_sequence_++, index, offset, static_cast<uint32_t>(bytes.size())};
    // Nearly always at the back; a record older than the last goes where its time says.
    auto at = queue.end();
    while (at != queue.begin() && std::prev(at)->time > time) --at;
    bool new_front = at == queue.begin();
    queue.insert(at, entry);
    ++pending_;
    if (new_front) queue_front(source);
}

void RecordMerger::queue_front(uint32_t source) {
    const Entry& front = queues_[source].front();
    fronts_.push(Front{front.time, front.sequence, source});
}

RecordMerger::Entry* RecordMerger::oldest(uint64_t watermark) {
    while (!fronts_.empty()) {
        const Front& top = fronts_.top();
        auto& queue = queues_[top.source];
        if (queue.empty() || queue.front().sequence != top.sequence) {
            fronts_.pop();  // stale
            continue;
        }
        return top.time <= watermark ? &queue.front() : nullptr;
    }
    return nullptr;
}

uint32_t RecordMerger::block_for(std::size_t size) {
    if (current_ != UINT32_MAX && blocks_[current_].used + size <= blocks_[current_].bytes.size())
        return current_;
    if (!free_blocks_.empty() && size <= kBlockSize) {
        current_ = free_blocks_.back();
        free_blocks_.pop_back();
        return current_;
    }
    blocks_.push_back(Block{std::vector<uint8_t>(std::max(size, kBlockSize)), 0, 0});
    current_ = static_cast<uint32_t>(blocks_.size() - 1);
    return current_;
}

void RecordMerger::free_record(uint32_t index) {
    Block& block = blocks_[index];
    if (--block.live > 0) return;
    block.used = 0;
    // The block being filled stays current; any other goes back for reuse.
    if (index != current_) free_blocks_.push_back(index);
}

}  // namespace ftnt
