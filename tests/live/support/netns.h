// Two network namespaces joined by a veth pair, made by a test and removed by its destructor.
//   a: 192.0.2.1/24, 2001:db8::1/64    b: 192.0.2.2/24, 2001:db8::2/64
// (documentation ranges, RFC 5737 / RFC 3849: they exist only inside these namespaces)
#pragma once

#include <string>

namespace ftnt::test {

class NetnsPair {
  public:
    explicit NetnsPair(const std::string& tag);
    ~NetnsPair();
    NetnsPair(const NetnsPair&) = delete;
    NetnsPair& operator=(const NetnsPair&) = delete;

    const std::string& a() const { return a_; }
    const std::string& b() const { return b_; }
    // Runs a shell command inside a namespace; returns its exit status.
    int run(const std::string& ns, const std::string& command) const;

    static constexpr const char* kAddrA = "192.0.2.1";
    static constexpr const char* kAddrB = "192.0.2.2";
    static constexpr const char* kAddr6A = "2001:db8::1";
    static constexpr const char* kAddr6B = "2001:db8::2";

  private:
    std::string a_, b_;
};

// Runs a command on the host and returns its exit status (stdout/stderr to the test log).
int shell(const std::string& command);
// Runs a command and returns its stdout.
std::string shell_output(const std::string& command);

}  // namespace ftnt::test
