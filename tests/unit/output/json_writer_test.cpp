#include "output/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace ftnt {
namespace {

nlohmann::json one_object(const std::function<void(JsonObject&)>& fill) {
    std::string line;
    {
        JsonObject object(line);
        fill(object);
    }
    return nlohmann::json::parse(line);
}

TEST(JsonWriter, DoublesRoundTripExactly) {
    for (double value : {0.1 + 0.2, 1234567.891, 5.000001, 1e-7, 123456789012.5,
                         std::numeric_limits<double>::max(), -2.5e-300, 3.0, 0.0}) {
        auto parsed = one_object([&](JsonObject& o) { o.number_field("v", value); });
        ASSERT_TRUE(parsed["v"].is_number()) << parsed.dump();
        EXPECT_EQ(parsed["v"].get<double>(), value) << parsed.dump();
    }
}

TEST(JsonWriter, DoublesAreShortest) {
    std::string line;
    {
        JsonObject o(line);
        o.number_field("a", 0.1).number_field("b", 2.0).number_field("c", 1234567.891);
    }
    EXPECT_EQ(line, "{\"a\":0.1,\"b\":2,\"c\":1234567.891}\n");
}

TEST(JsonWriter, NonFiniteDoublesAreNull) {
    auto parsed = one_object([](JsonObject& o) {
        o.number_field("nan", std::nan(""))
            .number_field("inf", std::numeric_limits<double>::infinity());
    });
    EXPECT_TRUE(parsed["nan"].is_null());
    EXPECT_TRUE(parsed["inf"].is_null());
}

TEST(JsonWriter, IntegersAreExactAtTheirLimits) {
    auto parsed = one_object([](JsonObject& o) {
        o.field("max", std::numeric_limits<uint64_t>::max())
            .signed_field("min", std::numeric_limits<int64_t>::min())
            .field("odd", uint64_t{9007199254740993});  // 2^53 + 1: not a double
    });
    EXPECT_EQ(parsed["max"].get<uint64_t>(), std::numeric_limits<uint64_t>::max());
    EXPECT_EQ(parsed["min"].get<int64_t>(), std::numeric_limits<int64_t>::min());
    EXPECT_EQ(parsed["odd"].get<uint64_t>(), uint64_t{9007199254740993});
}

TEST(JsonWriter, HexFieldsAndKeysThatNeedEscaping) {
    std::string line;
    {
        JsonObject object(line);
        object.hex_field("skb", 0xffff888100001000ull).field("a\"b", "c").hex_field("z", 0);
    }
    EXPECT_EQ(line, "{\"skb\":\"0xffff888100001000\",\"a\\\"b\":\"c\",\"z\":\"0x0\"}\n");
    auto parsed = nlohmann::json::parse(line);
    EXPECT_EQ(parsed["a\"b"], "c");
}

// A plain key is copied in one piece up to 60 bytes; a longer one takes the escaping path.
TEST(JsonWriter, KeysAtAndPastTheShortLimitReadBack) {
    std::string at_limit(60, 'k'), past(61, 'p'), escaped = std::string(59, 'e') + "\n";
    auto parsed = one_object([&](JsonObject& o) {
        o.field(at_limit, uint64_t{1}).field(past, uint64_t{2}).field(escaped, uint64_t{3});
    });
    EXPECT_EQ(parsed[at_limit].get<uint64_t>(), 1u);
    EXPECT_EQ(parsed[past].get<uint64_t>(), 2u);
    EXPECT_EQ(parsed[escaped].get<uint64_t>(), 3u);
    EXPECT_EQ(parsed.size(), 3u);
}

}  // namespace
}  // namespace ftnt
