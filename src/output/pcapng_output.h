// -w FILE: beside the run's own output (text or JSON, which it passes everything to), the
// packets of drops and path events as pcapng: the bytes the probe fetched, one interface per
// device and netns, wall-clock times, and a comment naming the point, the drop reason and
// location, the netfilter verdict and the skb.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "decode/packet_bytes.h"
#include "output/output.h"
#include "output/output_sink.h"
#include "output/pcapng_writer.h"

namespace ftnt {

struct PcapngOptions {
    uint32_t snaplen = 0;  // 0: every byte fetched
    int64_t monotonic_to_realtime_ns = 0;
};

class PcapngOutput : public Output {
  public:
    // Writes the file's Section Header; the file is made before anything is attached (a bad
    // -w exits 2 with no kernel state made).
    PcapngOutput(std::unique_ptr<Output> inner, pcapng::File file, PcapngOptions options);
    ~PcapngOutput() override;

    void drop(const DropView& view) override;
    void summary(const DropSummary& summary, uint64_t lost, double seconds, bool final) override;
    void path_event(const PathEventView& view) override;
    void packet(const Lifecycle& lifecycle, const std::vector<PathEventView>& views) override;
    void reset(const ResetView& view) override;
    void sock(const SockView& view) override;
    void step(const netfilter::TraceStep& step) override;
    void diagnosis(const Diagnosis& diagnosis) override;
    void invalid(const netfilter::InvalidEvent& event) override;
    void lost(uint32_t cpu, uint64_t count, uint64_t time_ns) override;
    void flush() override;

    // At the end of the run: everything written; adds to `end` the line for stderr ("FILE:
    // 12 packets, 3 of them without bytes" or the write error) and, after a write error,
    // exit kExitOutput.
    void finish(OutputEnd& end);
    // A write of the file failed (ENOSPC, EIO, EFBIG): the run ends, exit kExitOutput.
    bool write_failed() const override { return file_.error() != 0; }

  private:
    struct Interface {
        std::string device;  // "" when the event named none
        uint32_t netns = 0;
        bool ethernet = false;
        auto operator<=>(const Interface&) const = default;
    };
    uint32_t interface_of(const Interface& interface);
    void write_packet(const Interface& where, uint64_t time_ns,
                      const std::optional<CapturedPacket>& bytes, const std::string& comment);

    std::unique_ptr<Output> inner_;
    pcapng::File file_;
    PcapngOptions options_;
    std::map<Interface, uint32_t> interfaces_;
    uint64_t packets_ = 0, without_bytes_ = 0;
};

// The comments of one packet: "func=ip_rcv; skb=0xffff888003a1c000; verdict=...".
std::string pcapng_comment_of(const DropView& view);
std::string pcapng_comment_of(const PathEventView& view);

// The run's output, wrapped by a PcapngOutput when -w made `file`; `pcapng` points at it.
std::unique_ptr<Output> with_pcapng(std::unique_ptr<Output> output,
                                    std::optional<pcapng::File>& file, PcapngOptions options,
                                    PcapngOutput*& pcapng);
// The one line said when no point of the run fetches packet bytes (no kprobes): what -w
// writes instead.
std::string pcapng_without_bytes_line(const std::string& path, const std::string& why);

}  // namespace ftnt
