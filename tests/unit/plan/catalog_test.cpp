#include "plan/catalog.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace ftnt {
namespace {

std::string error_of(const std::string& text) {
    try {
        Catalog c;
        c.load_text(text, "user.def");
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

TEST(Catalog, ShippedCatalogLoads) {
    Catalog c;
    c.load_directory(FTNT_CATALOG);
    auto joins = c.with("join", "drop");
    ASSERT_GE(joins.size(), 2u);
    EXPECT_EQ(joins[0]->system(), "tcp");
    EXPECT_EQ(joins[0]->event(), "tcp_send_reset");
}

TEST(Catalog, EntriesKeepTheirKeysAndPlace) {
    Catalog c;
    c.load_text("# comment\n\n[tracepoint net:netif_receive_skb]\ngroup = link-in # trailing\n",
                "a.def");
    ASSERT_EQ(c.entries().size(), 1u);
    EXPECT_EQ(c.entries()[0].get("group"), "link-in");
    EXPECT_EQ(c.entries()[0].line, 3);
    EXPECT_EQ(c.entries()[0].file, "a.def");
}

TEST(Catalog, ErrorsNameFileAndLine) {
    EXPECT_EQ(error_of("[tracepoint tcp:x]\nbogus = 1\n"),
              "bad catalog entry at user.def:2: unknown key 'bogus' for a tracepoint");
    EXPECT_EQ(error_of("\n[probe x]\n"),
              "bad catalog entry at user.def:2: unknown kind 'probe' (tracepoint, kprobe, "
              "drop_location or drop_function)");
    EXPECT_EQ(error_of("group = x\n"), "bad catalog entry at user.def:1: key before any [section]");
    EXPECT_EQ(error_of("[tracepoint nocolon]\n"),
              "bad catalog entry at user.def:1: tracepoint name must be system:event");
    EXPECT_EQ(error_of("[tracepoint a:b]\njust words\n"),
              "bad catalog entry at user.def:2: expected 'key = value'");
}

TEST(Catalog, ShippedEntriesAreTyped) {
    Catalog c;
    c.load_directory(FTNT_CATALOG);
    auto entry = [&](const std::string& name) -> const CatalogEntry& {
        for (const auto& e : c.entries())
            if (e.name == name && (e.kind == "kprobe" || e.kind == "tracepoint")) return e;
        throw std::runtime_error("no catalog entry " + name);
    };
    EXPECT_EQ(entry("skb_clone").lifecycle, LifecycleRole::Clone);
    EXPECT_EQ(entry("skb_clone").ret, ReturnProbe::Always);
    EXPECT_EQ(entry("skb:kfree_skb").lifecycle, LifecycleRole::Free);
    EXPECT_EQ(entry("nf_hook_slow").ret, ReturnProbe::WithRetOption);
    EXPECT_EQ(lifecycle_word(entry("ip_rcv").lifecycle), "entry");
    EXPECT_EQ(entry("nf_hook_slow").decode, DecodeAs::NfHook);
    EXPECT_EQ(entry("ipt_do_table").decode, DecodeAs::XtTable);
    EXPECT_EQ(entry("ip6t_do_table").decode, DecodeAs::XtTable);
    EXPECT_EQ(entry("nft_do_chain").decode, DecodeAs::NftChain);
    EXPECT_EQ(entry("ip_rcv").decode, DecodeAs::None);
}

// Every key of every entry is checked when the file loads, whether a run selects the entry
// or not: the message names the file and the key's line.
TEST(Catalog, EveryKeysValueIsChecked) {
    auto kprobe = [](const std::string& keys) { return error_of("[kprobe f]\n" + keys); };
    EXPECT_EQ(kprobe("ret = sometimes\n"),
              "bad catalog entry at user.def:2: ret must be one of yes, always");
    EXPECT_EQ(kprobe("data = l7\n"),
              "bad catalog entry at user.def:2: data must be one of l2, "
              "l3, l4, icmp-body, sock, none");
    EXPECT_EQ(kprobe("skb = 9\n"),
              "bad catalog entry at user.def:2: skb must be auto, an "
              "argument 1-6, or *N (the argument points to the skb pointer)");
    EXPECT_EQ(kprobe("ret = yes\nret_type = int\n"),
              "bad catalog entry at user.def:3: ret_type must be a fetch type (u8..u64, s8..s64, "
              "x8..x64)");
    EXPECT_EQ(kprobe("lifecycle = gone\n"),
              "bad catalog entry at user.def:2: lifecycle must be one of free, clone, entry");
    EXPECT_EQ(
        kprobe("decode = ipt\n"),
        "bad catalog entry at user.def:2: decode must be one of xt_table, nf_hook, nft_chain");
    EXPECT_EQ(kprobe("group = A B\n"),
              "bad catalog entry at user.def:2: group must be a group name (a-z, 0-9, '_', '-')");
    EXPECT_EQ(kprobe("group = a\ngroup = b\n"),
              "bad catalog entry at user.def:3: group given twice");
    EXPECT_EQ(error_of("[tracepoint a:b]\naddresses = both\n"),
              "bad catalog entry at user.def:2: addresses must be one of packet, reply");
    // A tracepoint's fields are its format's own names (no fetchargs).
    EXPECT_EQ(error_of("[tracepoint icmp:icmp_send]\nfields = type code\n"), "");
    EXPECT_EQ(error_of("[tracepoint icmp:icmp_send]\nfields = type=$arg2:s32\n"),
              "bad catalog entry at user.def:2: fields must be format field names separated by "
              "spaces ('type=$arg2:s32' is not)");
    EXPECT_EQ(error_of("[drop_location f]\nreason = no socket\n"),
              "bad catalog entry at user.def:2: reason must be a drop reason name (A-Z, 0-9, '_')");
}

TEST(Catalog, FieldsAreFetchargsWithArgN) {
    auto fields = [](const std::string& value) {
        return error_of("[kprobe f]\nhooks_fields = " + value + "\n");
    };
    EXPECT_EQ(fields("n=+{nf_hook_entries.hooks+16}($arg3):x64 s=$arg4:u32 "
                     "c=+0(+{nft_chain.name}($arg2)):string"),
              "");
    EXPECT_EQ(fields("t=+8(%di):u32"),
              "bad catalog entry at user.def:2: hooks_fields must be $argN, not a register (%di): "
              "registers are x86 only");
    EXPECT_EQ(fields("t=+8($arg1:u32"),
              "bad catalog entry at user.def:2: hooks_fields must be ')' missing in '+8($arg1'");
    EXPECT_EQ(fields("t=+8($arg1):int"),
              "bad catalog entry at user.def:2: hooks_fields must be a fetch type after ':' "
              "('t=+8($arg1):int')");
    EXPECT_EQ(fields("+8($arg1):u8"),
              "bad catalog entry at user.def:2: hooks_fields must be NAME=FETCHARG:TYPE words "
              "('+8($arg1):u8' is not)");
    EXPECT_EQ(error_of("[kprobe f]\nfields = t=$arg7:u8\n"),
              "bad catalog entry at user.def:2: fields must be $argN, $retval, $comm or "
              "+OFFSET(FETCHARG), not '$arg7'");
}

TEST(Catalog, DereferencesAreBounded) {
    std::string deep = "$arg1";
    for (int i = 0; i < 9; ++i) deep = "+0(" + deep + ")";
    EXPECT_EQ(error_of("[kprobe f]\nfields = d=" + deep + ":u8\n"),
              "bad catalog entry at user.def:2: fields must be at most 8 dereferences");
    std::string hostile = "d=";
    for (int i = 0; i < 100000; ++i) hostile += "+0(";
    EXPECT_NE(error_of("[kprobe f]\nfields = " + hostile + "\n"), "");
}

TEST(Catalog, KeysAreCheckedTogether) {
    EXPECT_EQ(error_of("[kprobe skb_clone]\nlifecycle = clone\nret = yes\n"),
              "bad catalog entry at user.def:1: lifecycle = clone needs ret = always (the clone "
              "is returned)");
    EXPECT_EQ(error_of("[kprobe f]\nskb = 1\nsk = 1\n"),
              "bad catalog entry at user.def:1: a kprobe takes skb or sk, not both");
    EXPECT_EQ(error_of("[kprobe f]\nret_type = s32\n"),
              "bad catalog entry at user.def:1: ret_type without ret");
    EXPECT_EQ(error_of("[drop_location f]\nabout = x\n"),
              "bad catalog entry at user.def:1: a drop_location needs a reason");
}

}  // namespace
}  // namespace ftnt
