// /dev/kmsg from the end at open: the TRACE and LOG lines nf_log_syslog writes.
#pragma once

#include <cstdint>
#include <functional>

#include "core/unique_fd.h"
#include "netfilter/kmsg_lines.h"

namespace ftnt::netfilter {

class KmsgReader {
  public:
    KmsgReader();  // throws KernelError (no /dev/kmsg, or not allowed to read it)
    int fd() const { return fd_.get(); }
    // Every record there now, in order. Records the ring overwrote before we read them are
    // counted in lost() (read gives EPIPE and moves on to the oldest kept record).
    void drain(const std::function<void(const KmsgRecord&)>& on_record);
    uint64_t lost() const { return lost_; }

  private:
    UniqueFd fd_;
    uint64_t lost_ = 0;
    uint64_t next_sequence_ = 0;
    bool have_sequence_ = false;
};

}  // namespace ftnt::netfilter
