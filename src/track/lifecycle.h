// Groups path events by packet: a lifecycle starts at the first event that matched the
// filter, follows the skb (and its clones) by address, and ends when every one is freed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <unordered_map>
#include <vector>

#include "decode/path_event.h"
#include "ftnettrace/firewall_step.h"

namespace ftnt {

struct Lifecycle {
    uint64_t first_skb = 0;
    std::vector<PathEvent> events;
    std::set<uint64_t> live;                     // skb addresses of this packet not freed yet
    std::vector<netfilter::TraceStep> firewall;  // --iptables-trace steps joined to it
    bool closed = false;                         // every skb freed: shown (once) soon
    uint64_t first_ns() const { return events.empty() ? 0 : events.front().time_ns; }
    uint64_t last_ns() const { return events.empty() ? 0 : events.back().time_ns; }
};

class LifecycleTracker {
  public:
    using Emit = std::function<void(Lifecycle&)>;
    explicit LifecycleTracker(Emit emit);

    // `matched`: the event passed the user's filter. Events of skbs already followed are kept
    // whatever their tuple says now (NAT may have rewritten it), except at an entry point
    // (event.entry_point) whose headers show another packet than the block's last ones: the
    // skb's memory was reused where no free was seen, and a new block starts there.
    void add(PathEvent event, bool matched);
    // A kretprobe record of the task's last entry to `func`; `clones`: its value is a clone
    // of the entry's skb (skb_clone), followed with it.
    void returned(uint32_t tid, const std::string& func, int64_t value, bool clones = false);
    // Ends lifecycles with no event for `idle_ns` (their skb was freed where nothing saw it).
    void flush_idle(uint64_t now_ns, uint64_t idle_ns);
    void flush_all();
    std::size_t followed() const { return by_skb_.size(); }
    bool is_followed(uint64_t skb) const { return by_skb_.count(skb) != 0; }
    // Whether the task's last entry event belongs to a followed packet (for --basic returns).
    bool is_followed_task(uint32_t tid) const { return entries_.count(tid) != 0; }

  private:
    // Stops following `skb` in its lifecycle (ending the lifecycle when it was the last).
    void release(uint64_t skb, const std::shared_ptr<Lifecycle>& lifecycle);
    void finish(const std::shared_ptr<Lifecycle>& lifecycle);
    // A freed packet's block is held a little: the returns of the functions it passed
    // (ip_local_deliver returns after the UDP drop inside it) come after the free.
    void emit_closed(uint64_t now_ns, bool all);
    static constexpr uint64_t kReturnGraceNs = 100'000'000;
    std::vector<std::shared_ptr<Lifecycle>> closing_;

    static constexpr std::size_t kEntriesPerTask = 64;
    Emit emit_;
    std::unordered_map<uint64_t, std::shared_ptr<Lifecycle>> by_skb_;
    struct LastEntry {
        std::weak_ptr<Lifecycle> lifecycle;
        std::size_t index = 0;
        std::string func;
    };
    // Per task, the entries a return may belong to, newest last: a function's return comes
    // after the events of what it called (ip_local_deliver returns after the UDP drop).
    std::unordered_map<uint32_t, std::vector<LastEntry>> entries_;
};

}  // namespace ftnt
