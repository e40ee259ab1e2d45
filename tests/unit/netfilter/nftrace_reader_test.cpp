// nf_tables trace messages are checked with libmnl before libnftnl parses them: libnftnl
// 1.2.4 ends the process ("nf_tables kernel ABI is broken") on some malformed ones. The
// message is the one the fuzz suite mutates (tests/unit/support/recorded_nftrace_message.h);
// the changed one is what the fuzz suite found (seeds of
// 2026-11-27: a header attribute cut to length 0).
#include "netfilter/nftrace_reader.h"

#include <gtest/gtest.h>

#include <vector>

#include "unit/support/recorded_nftrace_message.h"

namespace ftnt::netfilter {
namespace {

int decoded(const std::vector<uint64_t>& message) {
    int events = 0;
    decode_nftrace_messages(message.data(), test::message_length(message),
                            [&](const NftTraceEvent&) { ++events; });
    return events;
}

TEST(NftraceMessages, RecordedMessageDecodes) {
    EXPECT_EQ(decoded(test::recorded_trace_message()), 1);
}

TEST(NftraceMessages, EmptyHeaderAttributeIsSkippedBeforeLibnftnl) {
    EXPECT_EQ(decoded(test::recorded_trace_message(0)),
              0);  // libnftnl alone: exit(1), the whole process
}

}  // namespace
}  // namespace ftnt::netfilter
