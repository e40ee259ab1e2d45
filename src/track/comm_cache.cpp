#include "track/comm_cache.h"

#include "core/text_file.h"

namespace ftnt {

const std::string& CommCache::name(uint32_t tid, uint32_t cpu) {
    if (tid == 0) {
        auto [it, added] = idle_.try_emplace(cpu);
        if (added) it->second = "swapper/" + std::to_string(cpu);
        return it->second;
    }
    auto [it, added] = names_.try_emplace(tid);
    if (added) {
        auto comm = read_text_file("/proc/" + std::to_string(tid) + "/comm");
        it->second = comm ? trim(*comm) : "?";
    }
    return it->second;
}

void CommCache::renamed(uint32_t tid, const std::string& comm) {
    names_[tid] = comm;
}

void CommCache::forked(uint32_t child_tid, uint32_t parent_tid) {
    names_[child_tid] = name(parent_tid, 0);
}

}  // namespace ftnt
