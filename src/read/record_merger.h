// Merges the records of all CPU rings into one stream in timestamp order.
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

namespace ftnt {

// A record copied out of its ring, so the ring space can be released at once.
struct OwnedRecord {
    uint64_t time = 0;
    uint64_t sequence = 0;  // arrival order, keeps equal timestamps stable
    std::vector<uint8_t> bytes;
};

// Each CPU's ring is in time order on its own; across CPUs a record written just after one
// ring was drained can be older than a record already taken from another. So records are
// held until the clock has passed them by a reorder window, then released oldest first.
class RecordMerger {
  public:
    void push(uint64_t time, std::vector<uint8_t> bytes);
    // Releases every record with time <= watermark, oldest first.
    template <typename OnRecord>
    void release_until(uint64_t watermark, OnRecord&& on_record) {
        while (!heap_.empty() && heap_.top().time <= watermark) pop_one(on_record);
    }
    template <typename OnRecord>
    void release_all(OnRecord&& on_record) {
        while (!heap_.empty()) pop_one(on_record);
    }
    std::size_t pending() const { return heap_.size(); }

  private:
    template <typename OnRecord>
    void pop_one(OnRecord& on_record) {
        OwnedRecord top = std::move(const_cast<OwnedRecord&>(heap_.top()));
        heap_.pop();
        on_record(top);
    }
    struct Later {
        bool operator()(const OwnedRecord& a, const OwnedRecord& b) const {
            return a.time != b.time ? a.time > b.time : a.sequence > b.sequence;
        }
    };
    std::priority_queue<OwnedRecord, std::vector<OwnedRecord>, Later> heap_;
    uint64_t next_sequence_ = 0;
};

}  // namespace ftnt
