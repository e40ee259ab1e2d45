// nf_tables in the packet path, inside the Debian-kernel guest (kprobes, 6.1): a drop by a
// rule is DROP (nf_tables frees the packet itself and returns NF_STOLEN since 6.0), the run's
// own trace table stays out of the path, and the firewall steps are the ones `nft monitor
// trace` (an oracle ftnettrace did not write) prints for the user's table.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <utility>

#include "guest_fixture.h"

namespace ftnt::test {
namespace {

using Step = std::pair<std::string, std::string>;  // chain, verdict

// input: icmp -> jump uc; uc: counter (echo seq 1 goes on, returns, policy accept),
// echo seq 2 dropped.
void user_chain_ruleset(const NetnsPair& ns) {
    ASSERT_EQ(ns.run(ns.b(),
                     "nft add table inet t && nft add chain inet t input "
                     "\"{ type filter hook input priority 0; }\" && nft add chain inet t uc && "
                     "nft add rule inet t input ip protocol icmp jump uc && "
                     "nft add rule inet t uc ip protocol icmp counter && "
                     "nft add rule inet t uc icmp sequence 2 drop"),
              0);
}

// `nft monitor trace` in a namespace for the life of the object.
class NftMonitor {
  public:
    explicit NftMonitor(const NetnsPair& ns)
        : out_("/tmp/ftnt-" + std::to_string(::getpid()) + "-monitor.txt"),
          pid_file_(out_ + ".pid") {
        ns.run(ns.b(), "timeout 120 nft monitor trace >" + out_ + " 2>&1 & echo $! >" + pid_file_);
        usleep(3'000'000);  // nft starts slowly under emulation
    }
    ~NftMonitor() {
        stop();
        ::unlink(out_.c_str());
        ::unlink(pid_file_.c_str());
    }
    void stop() {
        std::ifstream pid(pid_file_);
        int value = 0;
        if (pid >> value && value > 0) ::kill(value, SIGTERM);
    }
    // The steps of table inet t, in order: "(verdict V)" of a rule, "verdict V" at a chain's
    // end, "policy V".
    std::vector<Step> steps() const {
        std::vector<Step> out;
        std::ifstream in(out_);
        std::string line;
        while (std::getline(in, line)) {
            std::istringstream words(line);
            std::string trace, id, number, family, table, chain;
            words >> trace >> id >> number >> family >> table >> chain;
            if (family != "inet" || table != "t") continue;
            if (line.find(" packet: ") != std::string::npos) continue;
            std::string verdict;
            if (auto at = line.find("(verdict "); at != std::string::npos)
                verdict = line.substr(at + 9, line.find(')', at) - at - 9);
            else if (auto v = line.find(" verdict "); v != std::string::npos)
                verdict = line.substr(v + 9);
            else if (auto p = line.find(" policy "); p != std::string::npos)
                verdict = line.substr(p + 8);
            while (!verdict.empty() && verdict.back() == ' ') verdict.pop_back();
            out.emplace_back(chain, verdict);
        }
        return out;
    }

  private:
    std::string out_, pid_file_;
};

class NftablesGuest : public PathGuest {
  protected:
    void SetUp() override {
        PathGuest::SetUp();
        if (IsSkipped()) return;
        if (shell("command -v nft >/dev/null 2>&1") != 0) GTEST_SKIP() << "nft is needed";
    }
    // Under emulation on a loaded machine the first source line of a module address
    // (nf_tables.ko's debug info) takes seconds: more time to stop.
    static constexpr int kExitSeconds = 120;
};

TEST_F(NftablesGuest, RuleDropIsDropAndSaysWhereTheChainIsNamed) {
    if (!module_has_btf("nf_tables"))
        GTEST_SKIP()
            << "nf_tables has no BTF here (module BTF came in 5.11): no nft_do_chain point";
    NetnsPair ns("nftdrop");
    user_chain_ruleset(ns);
    auto lines = run(
        {"--addr", NetnsPair::kAddrA, "-p", "icmp", "-t", "netfilter,life"},
        [&] { ping(ns.a(), NetnsPair::kAddrB, 2); }, kExitSeconds);
    std::vector<std::string> verdicts;
    for (const auto& p : packets(lines))
        for (const auto& e : p["events"])
            if (e.value("func", "") == "nft_do_chain") verdicts.push_back(e.value("verdict", ""));
    bool drop = false;
    for (const auto& v : verdicts) {
        EXPECT_EQ(v.find("STOLEN"), std::string::npos) << v;
        if (v.rfind("table t chain input DROP", 0) == 0) {
            drop = true;
            EXPECT_NE(v.find("see --iptables-trace"), std::string::npos) << v;
        }
    }
    EXPECT_TRUE(drop) << dump(lines) << stderr_;
}

TEST_F(NftablesGuest, StepsAreThoseNftMonitorPrintsAndOwnTableIsNotInThePath) {
    NetnsPair ns("nftmon");
    user_chain_ruleset(ns);
    NftMonitor monitor(ns);
    auto lines = run(
        {"--iptables-trace", "--netns", ns.b(), "-p", "icmp", "-t", "netfilter,life"},
        [&] { ping(ns.a(), NetnsPair::kAddrB, 2); }, kExitSeconds);
    usleep(1'000'000);
    monitor.stop();
    std::vector<Step> ours;
    for (const auto& p : packets(lines)) {
        for (const auto& e : p["events"])
            EXPECT_FALSE(e.value("table", "").starts_with("ftnettrace"))
                << "the run's own trace table in the path: " << e.dump();
        if (!p.contains("firewall")) continue;
        for (const auto& s : p["firewall"])
            if (s.value("table", "") == "t")
                ours.emplace_back(s.value("chain", ""), s.value("verdict", ""));
    }
    auto oracle = monitor.steps();
    ASSERT_FALSE(oracle.empty()) << "nft monitor trace saw nothing";
    EXPECT_EQ(ours, oracle) << dump(lines) << stderr_;
}

TEST_F(NftablesGuest, StepsOnTheirOwnCarryNoTimeOfOurs) {
    NetnsPair ns("nftts");
    user_chain_ruleset(ns);
    auto lines = run(
        {"--iptables-trace", "--steps-only", "--netns", ns.b(), "-p", "icmp"},
        [&] { ping(ns.a(), NetnsPair::kAddrB, 2); }, kExitSeconds);
    int steps = 0;
    for (const auto& object : lines) {
        if (object.value("type", "") != "trace" || object.value("backend", "") != "nft") continue;
        ++steps;
        // nf_tables trace messages carry no time: one would be when ftnettrace read them.
        EXPECT_FALSE(object.contains("ts")) << object.dump();
    }
    EXPECT_GT(steps, 0) << dump(lines) << stderr_;
}

}  // namespace
}  // namespace ftnt::test
