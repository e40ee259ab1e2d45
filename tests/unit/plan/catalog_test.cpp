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

}  // namespace
}  // namespace ftnt
