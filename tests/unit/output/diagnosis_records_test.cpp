// The ANALYSIS RESULT block and the "diagnosis" JSON objects of one finding with every part:
// the blamed hook is shown after the drop reason, and in JSON as "blame" (parsed back).
#include "output/diagnosis_records.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ftnt {
namespace {

Diagnosis firewall_drop(const std::string& blame) {
    Finding f;
    f.level = DiagLevel::Error;
    f.rule = "firewall-drop";
    f.where = "skb:kfree_skb";
    f.location = "nf_hook_slow+0xa4";
    f.reason = "NETFILTER_DROP";
    f.message = "a netfilter rule dropped the packet";
    f.advice = "check the rules";
    f.blame = blame;
    f.time_ns = 11'994'063'000;
    Diagnosis d;
    d.skb = 0xff2ef892a5459500;
    d.findings.push_back(f);
    return d;
}

TEST(DiagnosisRecords, TextNamesTheBlamedHookAfterTheReason) {
    std::string out;
    append_diagnosis_text(out, firewall_drop("ipt_do_table (2.filter.INPUT.DROP)"));
    EXPECT_EQ(out,
              "---------------- ANALYSIS RESULT ----------------\n"
              "[1] ERROR at skb:kfree_skb (nf_hook_slow+0xa4):\n"
              "        a netfilter rule dropped the packet\n"
              "    drop reason:\n"
              "        NETFILTER_DROP\n"
              "    blamed hook:\n"
              "        ipt_do_table (2.filter.INPUT.DROP)\n"
              "    fix advice:\n"
              "        check the rules\n"
              "\n");
}

TEST(DiagnosisRecords, JsonCarriesTheBlameOnlyWhenKnown) {
    std::string out;
    append_diagnosis_json(out, firewall_drop("ipt_do_table (2.filter.INPUT.DROP)"));
    auto object = nlohmann::json::parse(out);
    EXPECT_EQ(object.value("blame", ""), "ipt_do_table (2.filter.INPUT.DROP)");
    EXPECT_EQ(object.value("rule", ""), "firewall-drop");
    std::string unknown;
    append_diagnosis_json(unknown, firewall_drop(""));
    EXPECT_FALSE(nlohmann::json::parse(unknown).contains("blame")) << unknown;
}

}  // namespace
}  // namespace ftnt
