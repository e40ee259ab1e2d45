#include "support/netns.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace ftnt::test {

int shell(const std::string& command) {
    int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string shell_output(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return out;
    std::array<char, 4096> buffer;
    while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
    ::pclose(pipe);
    return out;
}

NetnsPair::NetnsPair(const std::string& tag)
    : a_("ftnt-" + std::to_string(::getpid()) + "-" + tag + "-a"),
      b_("ftnt-" + std::to_string(::getpid()) + "-" + tag + "-b") {
    std::string veth_a = "ftnt" + std::to_string(::getpid() % 100000) + "a";
    std::string veth_b = "ftnt" + std::to_string(::getpid() % 100000) + "b";
    std::string setup = "set -e; ip netns add " + a_ + "; ip netns add " + b_ + "; ip link add " +
                        veth_a + " netns " + a_ + " type veth peer name " + veth_b + " netns " +
                        b_ + "; ip -n " + a_ + " link set lo up; ip -n " + b_ + " link set lo up" +
                        "; ip -n " + a_ + " addr add 192.0.2.1/24 dev " + veth_a + "; ip -n " + b_ +
                        " addr add 192.0.2.2/24 dev " + veth_b + "; ip -n " + a_ +
                        " addr add 2001:db8::1/64 dev " + veth_a + " nodad" + "; ip -n " + b_ +
                        " addr add 2001:db8::2/64 dev " + veth_b + " nodad" + "; ip -n " + a_ +
                        " link set " + veth_a + " up; ip -n " + b_ + " link set " + veth_b + " up";
    if (shell(setup) != 0) {
        shell("ip netns del " + a_ + " 2>/dev/null; ip netns del " + b_ + " 2>/dev/null");
        throw std::runtime_error("cannot create namespaces " + a_ + ", " + b_);
    }
    // Resolve the neighbours once so the first test packet is not queued behind ARP/ND.
    run(a_, "ping -c1 -W2 192.0.2.2 >/dev/null 2>&1; ping -6 -c1 -W2 2001:db8::2 >/dev/null 2>&1");
}

NetnsPair::~NetnsPair() {
    shell("ip netns del " + a_ + " 2>/dev/null; ip netns del " + b_ + " 2>/dev/null");
}

int NetnsPair::run(const std::string& ns, const std::string& command) const {
    return shell("ip netns exec " + ns + " sh -c '" + command + "'");
}

}  // namespace ftnt::test
