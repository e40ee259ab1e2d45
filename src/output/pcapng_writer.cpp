#include "output/pcapng_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/errors.h"
#include "core/shown_value.h"

namespace ftnt::pcapng {
namespace {

constexpr uint32_t kSectionHeader = 0x0A0D0D0A, kByteOrderMagic = 0x1A2B3C4D;
constexpr uint32_t kInterfaceDescription = 1, kEnhancedPacket = 6;
constexpr uint16_t kEndOfOptions = 0, kComment = 1, kShbUserAppl = 4, kIfName = 2, kIfTsresol = 9;
constexpr std::size_t kMaxOption = 0xfff0;  // an option's length is a u16
constexpr std::size_t kWriteAt = 1u << 16;

template <class T>
void put(std::string& out, T value) {
    char bytes[sizeof value];
    std::memcpy(bytes, &value, sizeof value);
    out.append(bytes, sizeof value);
}

void pad4(std::string& out) {
    out.append((4 - out.size() % 4) % 4, '\0');
}

void option(std::string& out, uint16_t code, const std::string& value) {
    std::size_t length = value.size() < kMaxOption ? value.size() : kMaxOption;
    put<uint16_t>(out, code);
    put<uint16_t>(out, static_cast<uint16_t>(length));
    out.append(value, 0, length);
    pad4(out);
}

void end_of_options(std::string& out) {
    put<uint16_t>(out, kEndOfOptions);
    put<uint16_t>(out, 0);
}

// Type, total length, `body` (a multiple of 4 bytes), total length again.
std::string block(uint32_t type, const std::string& body) {
    std::string out;
    auto total = static_cast<uint32_t>(12 + body.size());
    put(out, type);
    put(out, total);
    out += body;
    put(out, total);
    return out;
}

}  // namespace

std::string section_header(const std::string& application) {
    std::string body;
    put(body, kByteOrderMagic);
    put<uint16_t>(body, 1);  // major
    put<uint16_t>(body, 0);  // minor
    put<int64_t>(body, -1);  // section length not given
    option(body, kShbUserAppl, application);
    end_of_options(body);
    return block(kSectionHeader, body);
}

std::string interface_description(uint16_t link_type, uint32_t snaplen, const std::string& name) {
    std::string body;
    put(body, link_type);
    put<uint16_t>(body, 0);
    put(body, snaplen);
    // The name comes from the kernel: its control and non-ASCII bytes escaped (UTF-8 text).
    option(body, kIfName, shown_value(name, 256));
    option(body, kIfTsresol, std::string(1, '\x09'));  // 10^-9 s
    end_of_options(body);
    return block(kInterfaceDescription, body);
}

std::string enhanced_packet(uint32_t interface, uint64_t time_ns, std::span<const uint8_t> data,
                            uint32_t original_length, const std::string& comment) {
    std::string body;
    put(body, interface);
    put(body, static_cast<uint32_t>(time_ns >> 32));
    put(body, static_cast<uint32_t>(time_ns));
    put(body, static_cast<uint32_t>(data.size()));
    put(body, original_length > data.size() ? original_length : static_cast<uint32_t>(data.size()));
    body.append(reinterpret_cast<const char*>(data.data()), data.size());
    pad4(body);
    if (!comment.empty()) {
        option(body, kComment, comment);
        end_of_options(body);
    }
    return block(kEnhancedPacket, body);
}

File::File(const std::string& path) : path_(path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
    if (fd < 0) {
        int e = errno;
        throw UsageError("-w " + shown_value(path, 200) + ": " +
                         (e == ELOOP ? "is a symbolic link (refused)" : std::strerror(e)));
    }
    fd_ = UniqueFd(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        throw UsageError("-w " + shown_value(path, 200) + ": not a regular file");
    if (::ftruncate(fd, 0) != 0)
        throw UsageError("-w " + shown_value(path, 200) + ": " + std::strerror(errno));
    ::fcntl(fd, F_SETFL, 0);  // a regular file: plain blocking writes
}

void File::append(const std::string& block) {
    if (error_) return;
    kept_ += block;
    if (kept_.size() >= kWriteAt) flush();
}

bool File::flush() {
    std::size_t done = 0;
    while (!error_ && done < kept_.size()) {
        ssize_t n = ::write(fd_.get(), kept_.data() + done, kept_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            error_ = n < 0 ? errno : EIO;
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    kept_.erase(0, done);
    if (error_) kept_.clear();
    return !error_;
}

}  // namespace ftnt::pcapng
