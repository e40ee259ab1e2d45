#include "attach/dynamic_event.h"

#include <gtest/gtest.h>

#include "unit/fixture_file.h"

namespace ftnt {
namespace {

// The last entry of error_log, as libtracefs' tracefs_error_last cuts it out: from the line
// after the previous entry's caret line to the end.
std::string last_entry(const std::string& log) {
    auto own_caret = log.rfind('^', log.find_last_not_of('\n'));
    auto caret = own_caret == 0 ? std::string::npos : log.rfind("^\n", own_caret - 1);
    return caret == std::string::npos ? log : log.substr(caret + 2);
}

TEST(DynamicEvent, ErrorLogReasonOfTheLastRefusal) {
    for (const char* kernel : {"kernel-5.10", "kernel-6.1"}) {
        auto log = test::fixture(std::string(kernel) + "/error_log-refused-kprobes.txt");
        EXPECT_EQ(error_log_reason(last_entry(log)), "Invalid probed address or symbol") << kernel;
        auto first = log.substr(0, log.find("^\n") + 2);
        EXPECT_EQ(error_log_reason(first), "Invalid register name") << kernel;
    }
}

TEST(DynamicEvent, ErrorLogWithoutAnErrorLineGivesNoReason) {
    EXPECT_EQ(error_log_reason(""), "");
    EXPECT_EQ(error_log_reason("  Command: p:g/e ip_rcv\n            ^\n"), "");
}

TEST(DynamicEvent, DefinitionIsTheKprobeEventsLine) {
    KprobeSpec entry{"ip_rcv", "ip_rcv", "skb=$arg1:x64", false};
    EXPECT_EQ(kprobe_definition("ftnettrace_7", entry),
              "p:ftnettrace_7/ip_rcv ip_rcv skb=$arg1:x64");
    KprobeSpec ret{"ip_rcv_ret", "ip_rcv", "", true};
    EXPECT_EQ(kprobe_definition("ftnettrace_7", ret), "r:ftnettrace_7/ip_rcv_ret ip_rcv");
}

TEST(DynamicEvent, GroupOfARun) {
    EXPECT_EQ(dynamic_group_for_pid(1234), "ftnettrace_1234");
}

}  // namespace
}  // namespace ftnt
