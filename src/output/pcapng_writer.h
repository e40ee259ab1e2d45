// The pcapng format (draft-ietf-opsawg-pcapng): the blocks -w writes, each a byte string in
// the host's byte order (the Section Header's magic tells readers which), and the file they
// go to.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/unique_fd.h"

namespace ftnt::pcapng {

constexpr uint16_t kLinkEthernet = 1;  // LINKTYPE_ETHERNET
constexpr uint16_t kLinkRaw = 101;     // LINKTYPE_RAW: an IPv4 or IPv6 header first

// Section Header Block with shb_userappl naming the writer.
std::string section_header(const std::string& application);
// Interface Description Block: link type, snaplen (0: none), if_name, if_tsresol 10^-9 s.
std::string interface_description(uint16_t link_type, uint32_t snaplen, const std::string& name);
// Enhanced Packet Block with an opt_comment ("" for none); `time_ns` in the interface's
// nanoseconds since 1970.
std::string enhanced_packet(uint32_t interface, uint64_t time_ns, std::span<const uint8_t> data,
                            uint32_t original_length, const std::string& comment);

// The file blocks are appended to, created for this run: O_NOFOLLOW (a symlink is refused),
// mode 0600 when new, only a regular file (a FIFO or device is refused before it is
// truncated). Throws UsageError with the reason.
class File {
  public:
    explicit File(const std::string& path);
    // Keeps the block; writes when enough is kept.
    void append(const std::string& block);
    // Writes all kept blocks; false after a write error (error() tells it).
    bool flush();
    int error() const { return error_; }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    UniqueFd fd_;
    std::string kept_;
    int error_ = 0;
};

}  // namespace ftnt::pcapng
