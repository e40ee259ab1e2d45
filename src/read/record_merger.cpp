#include "read/record_merger.h"

namespace ftnt {

void RecordMerger::push(uint64_t time, std::vector<uint8_t> bytes) {
    heap_.push(OwnedRecord{time, next_sequence_++, std::move(bytes)});
}

}  // namespace ftnt
