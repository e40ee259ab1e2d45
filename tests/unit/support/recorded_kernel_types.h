// KernelTypes answered from a recording of a real kernel's BTF: the struct members and
// function parameters path planning asked about, one per line
//   member STRUCT PATH BYTE_OFFSET BIT_OFFSET BIT_SIZE SIZE   (or "member STRUCT PATH -")
//   param FUNCTION TYPE INDEX                                 (or "param FUNCTION TYPE -")
//   function FUNCTION 0|1
// written by tests/tools/record_kernel_types.cpp in the test guest. A question the
// recording does not hold is answered "absent", like a kernel without that member.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

#include "discover/kernel_types.h"

namespace ftnt::test {

class RecordedKernelTypes : public KernelTypes {
  public:
    RecordedKernelTypes(const std::string& text, std::string source) : source_(std::move(source)) {
        std::istringstream lines(text);
        std::string line;
        while (std::getline(lines, line)) {
            std::istringstream words(line);
            std::string kind, a, b, c;
            words >> kind >> a >> b;
            if (kind == "member") {
                words >> c;
                if (c == "-") {
                    members_[{a, b}] = std::nullopt;
                    continue;
                }
                MemberLocation m;
                m.byte_offset = static_cast<uint32_t>(std::stoul(c));
                words >> m.bit_offset >> m.bit_size >> m.size;
                members_[{a, b}] = m;
            } else if (kind == "param") {
                words >> c;
                params_[{a, b}] = c == "-" ? std::nullopt : std::optional<int>(std::stoi(c));
            } else if (kind == "function") {
                functions_[a] = b == "1";
            }
        }
    }
    const std::string& source() const override { return source_; }
    std::optional<MemberLocation> member(const std::string& s,
                                         const std::string& path) const override {
        auto it = members_.find({s, path});
        return it == members_.end() ? std::nullopt : it->second;
    }
    std::optional<int> pointer_param(const std::string& f, const std::string& t) const override {
        auto it = params_.find({f, t});
        return it == params_.end() ? std::nullopt : it->second;
    }
    bool has_function(const std::string& f) const override {
        auto it = functions_.find(f);
        return it != functions_.end() && it->second;
    }
    std::map<int64_t, std::string> enum_values(const std::string&) const override { return {}; }

  private:
    std::string source_;
    std::map<std::pair<std::string, std::string>, std::optional<MemberLocation>> members_;
    std::map<std::pair<std::string, std::string>, std::optional<int>> params_;
    std::map<std::string, bool> functions_;
};

// Forwards to a real KernelTypes and writes every question and answer in the format above.
class RecordingKernelTypes : public KernelTypes {
  public:
    RecordingKernelTypes(const KernelTypes& real, std::ostream& out) : real_(real), out_(out) {}
    const std::string& source() const override { return real_.source(); }
    std::optional<MemberLocation> member(const std::string& s,
                                         const std::string& path) const override {
        auto m = real_.member(s, path);
        std::ostringstream line;
        line << "member " << s << ' ' << path << ' ';
        if (m)
            line << m->byte_offset << ' ' << m->bit_offset << ' ' << m->bit_size << ' ' << m->size;
        else
            line << '-';
        once(line.str());
        return m;
    }
    std::optional<int> pointer_param(const std::string& f, const std::string& t) const override {
        auto index = real_.pointer_param(f, t);
        once("param " + f + " " + t + " " + (index ? std::to_string(*index) : "-"));
        return index;
    }
    bool has_function(const std::string& f) const override {
        bool has = real_.has_function(f);
        once("function " + f + (has ? " 1" : " 0"));
        return has;
    }
    std::map<int64_t, std::string> enum_values(const std::string& e) const override {
        return real_.enum_values(e);
    }

  private:
    void once(const std::string& line) const {
        if (seen_.insert(line).second) out_ << line << '\n';
    }
    const KernelTypes& real_;
    std::ostream& out_;
    mutable std::set<std::string> seen_;
};

}  // namespace ftnt::test
