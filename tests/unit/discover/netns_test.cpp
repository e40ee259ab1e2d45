// --netns with a name no namespace has: the message shows the name cut and escaped (a 10 kB
// value was echoed whole before; FuzzCommandLine's checks found it through --exclude-reason).
#include "discover/netns.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "netfilter/namespace.h"

namespace ftnt {
namespace {

template <class Resolve>
std::string message_of(Resolve resolve, const std::string& text) {
    try {
        resolve(text);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "(taken)";
}

TEST(Netns, AnUnknownNameIsEchoedShortAndPrintable) {
    std::string hostile = "ftnt-\x1b[2J" + std::string(10'000, 'n');
    for (const auto& message :
         {message_of([](const std::string& t) { return netns_inode(t); }, hostile),
          message_of([](const std::string& t) { return netfilter::resolve_netns(t); }, hostile)}) {
        EXPECT_LT(message.size(), 200u) << message.substr(0, 200);
        EXPECT_TRUE(message.starts_with("--netns: 'ftnt-\\x1b[2Jnnn")) << message.substr(0, 200);
        EXPECT_TRUE(message.ends_with("is neither an inode, a pid, nor a name under /run/netns"))
            << message.substr(0, 200);
    }
}

}  // namespace
}  // namespace ftnt
