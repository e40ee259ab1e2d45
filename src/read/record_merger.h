// Merges the records of all CPU rings into one stream in timestamp order.
#pragma once

#include <cstdint>
#include <deque>
#include <queue>
#include <span>
#include <vector>

namespace ftnt {

// A record copied out of its ring, so the ring space can be released at once. `bytes` lives
// in the merger's storage until on_record returns.
struct OwnedRecord {
    uint64_t time = 0;
    uint64_t sequence = 0;  // arrival order, keeps equal timestamps stable
    std::span<const uint8_t> bytes;
};

// Each CPU's ring is in time order on its own (but for an interrupt that writes between
// another event's timestamp and its place in the ring); across CPUs a record written just
// after one ring was drained can be older than a record already taken from another. So
// records are held until the clock has passed them by a reorder window, then released oldest
// first (time, then arrival). Each source (a CPU's ring) keeps its records sorted, which costs
// next to nothing as they come nearly in order, and the sources are merged by their oldest
// record. The bytes go into blocks of kBlockSize, reused once every record in them is
// released: no allocation per record.
class RecordMerger {
  public:
    RecordMerger() = default;
    RecordMerger(const RecordMerger&) = delete;
    RecordMerger& operator=(const RecordMerger&) = delete;

    // `source`: the ring the record comes from, a small number (the CPU).
    void push(uint64_t time, std::span<const uint8_t> bytes, uint32_t source = 0);
    // Releases every record with time <= watermark, oldest first.
    template <typename OnRecord>
    void release_until(uint64_t watermark, OnRecord&& on_record) {
        while (Entry* next = oldest(watermark)) release(*next, on_record);
    }
    template <typename OnRecord>
    void release_all(OnRecord&& on_record) {
        release_until(UINT64_MAX, on_record);
    }
    std::size_t pending() const { return pending_; }
    // Blocks held (in use or kept for reuse): bounded by the records pending.
    std::size_t blocks() const { return blocks_.size(); }

    // A perf record is at most 64 KiB (its header's size is 16 bits).
    static constexpr std::size_t kBlockSize = 64u << 10;

  private:
    struct Entry {
        uint64_t time;
        uint64_t sequence;
        uint32_t block;
        uint32_t offset;
        uint32_t size;
    };
    struct Block {
        std::vector<uint8_t> bytes;
        std::size_t used = 0;  // bytes handed out
        std::size_t live = 0;  // records not yet released
    };
    // A source's oldest record as it was when this was queued: stale once that record left
    // the front (a later push put an older one before it, or it was released).
    struct Front {
        uint64_t time;
        uint64_t sequence;
        uint32_t source;
    };
    struct Later {
        bool operator()(const Front& a, const Front& b) const {
            return a.time != b.time ? a.time > b.time : a.sequence > b.sequence;
        }
    };

    Entry* oldest(uint64_t watermark);
    template <typename OnRecord>
    void release(Entry& entry, OnRecord& on_record) {
        Entry taken = entry;
        uint32_t source = fronts_.top().source;
        fronts_.pop();
        queues_[source].pop_front();
        --pending_;
        if (!queues_[source].empty()) queue_front(source);
        const Block& block = blocks_[taken.block];
        on_record(OwnedRecord{
            taken.time, taken.sequence, {block.bytes.data() + taken.offset, taken.size}});
        free_record(taken.block);
    }
    void queue_front(uint32_t source);
    uint32_t block_for(std::size_t size);
    void free_record(uint32_t block);

    std::vector<std::deque<Entry>> queues_;  // per source, oldest first
    std::priority_queue<Front, std::vector<Front>, Later> fronts_;
    std::size_t pending_ = 0;
    std::vector<Block> blocks_;
    std::vector<uint32_t> free_blocks_;
    uint32_t current_ = UINT32_MAX;  // the block being filled
    uint64_t next_sequence_ = 0;
};

}  // namespace ftnt
