// --metrics-file: refused when its directory is missing; each write replaces the whole file.
#include "output/metrics_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/errors.h"

namespace ftnt {
namespace {

class MetricsFileTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char dir_template[] = "/tmp/ftnettrace-metrics-file.XXXXXX";
        ASSERT_NE(::mkdtemp(dir_template), nullptr);
        dir_ = dir_template;
    }
    void TearDown() override {
        std::string command = "rm -rf '" + dir_ + "'";
        EXPECT_EQ(std::system(command.c_str()), 0);
    }
    std::string read(const std::string& name) const {
        std::ifstream in(dir_ + "/" + name);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }
    std::string dir_;
};

TEST_F(MetricsFileTest, AMissingDirectoryOrADirectoryIsAUsageError) {
    EXPECT_THROW(MetricsFile{dir_ + "/no-such-dir/m.prom"}, UsageError);
    EXPECT_THROW(MetricsFile{dir_ + "/"}, UsageError);
    EXPECT_THROW(MetricsFile{dir_}, UsageError);
}

TEST_F(MetricsFileTest, EachWriteReplacesTheFileAndLeavesNoTemporary) {
    {
        MetricsFile file(dir_ + "/m.prom");
        EXPECT_EQ(file.write("a 1\n"), "");
        EXPECT_EQ(read("m.prom"), "a 1\n");
        EXPECT_EQ(file.write("b 2\n"), "");
        EXPECT_EQ(read("m.prom"), "b 2\n");
        struct stat st {};
        EXPECT_NE(::stat((dir_ + "/.m.prom.tmp").c_str(), &st), 0);
    }
    EXPECT_EQ(read("m.prom"), "b 2\n");  // the last version stays after the run
}

// A symlink planted at the temporary name is removed, not written through.
TEST_F(MetricsFileTest, APlantedSymlinkIsNotFollowed) {
    std::string victim = dir_ + "/victim";
    std::ofstream(victim) << "keep\n";
    ASSERT_EQ(::symlink(victim.c_str(), (dir_ + "/.m.prom.tmp").c_str()), 0);
    MetricsFile file(dir_ + "/m.prom");
    EXPECT_EQ(file.write("a 1\n"), "");
    EXPECT_EQ(read("victim"), "keep\n");
    EXPECT_EQ(read("m.prom"), "a 1\n");
}

}  // namespace
}  // namespace ftnt
