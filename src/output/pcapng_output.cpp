#include "output/pcapng_output.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "core/errors.h"
#include "core/shown_value.h"
#include "decode/netfilter_fields.h"

namespace ftnt {
namespace {

constexpr const char* kApplication = "ftnettrace 0.1.0";
constexpr std::size_t kShown = 200;  // bytes of a kernel string kept in a comment

std::string hex(uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%" PRIx64, value);
    return text;
}

void add(std::string& comment, const char* key, const std::string& value) {
    if (value.empty()) return;
    if (!comment.empty()) comment += "; ";
    comment += key;
    comment += '=';
    comment += shown_value(value, kShown);
}

std::string interface_name(const std::string& device, uint32_t netns) {
    std::string name = device.empty() ? "(no device)" : device;
    if (netns) name += " netns " + std::to_string(netns);
    return name;
}

}  // namespace

std::string pcapng_comment_of(const DropView& view) {
    const DropEvent& e = *view.event;
    std::string comment;
    add(comment, "func", "skb:kfree_skb");
    if (view.reason)
        add(comment, "reason", *view.reason + (view.reason_inferred ? " (inferred)" : ""));
    add(comment, "location", view.location);
    add(comment, "skb", hex(e.skb));
    return comment;
}

std::string pcapng_comment_of(const PathEventView& view) {
    const PathEvent& e = *view.event;
    std::string comment;
    add(comment, "func", e.func);
    if (e.reason) add(comment, "reason", *e.reason + (e.reason_inferred ? " (inferred)" : ""));
    add(comment, "location", view.location);
    add(comment, "verdict", netfilter_verdict(e));
    if (e.retval) add(comment, "ret", std::to_string(*e.retval));
    if (e.skb) add(comment, "skb", hex(e.skb));
    return comment;
}

PcapngOutput::PcapngOutput(std::unique_ptr<Output> inner, pcapng::File file, PcapngOptions options)
    : inner_(std::move(inner)), file_(std::move(file)), options_(options) {
    file_.append(pcapng::section_header(kApplication));
    file_.flush();
}

PcapngOutput::~PcapngOutput() {
    file_.flush();
}

uint32_t PcapngOutput::interface_of(const Interface& interface) {
    auto found = interfaces_.find(interface);
    if (found != interfaces_.end()) return found->second;
    auto id = static_cast<uint32_t>(interfaces_.size());
    interfaces_.emplace(interface, id);
    file_.append(pcapng::interface_description(
        interface.ethernet ? pcapng::kLinkEthernet : pcapng::kLinkRaw, options_.snaplen,
        interface_name(interface.device, interface.netns)));
    return id;
}

void PcapngOutput::write_packet(const Interface& where, uint64_t time_ns,
                                const std::optional<CapturedPacket>& bytes,
                                const std::string& comment) {
    Interface interface = where;
    interface.ethernet = bytes && bytes->ethernet;
    uint32_t id = interface_of(interface);
    std::span<const uint8_t> data;
    uint32_t original = 0;
    if (bytes) {
        data = bytes->bytes;
        original = bytes->original_length;
    }
    if (options_.snaplen && data.size() > options_.snaplen) data = data.first(options_.snaplen);
    auto wall = static_cast<int64_t>(time_ns) + options_.monotonic_to_realtime_ns;
    file_.append(pcapng::enhanced_packet(id, static_cast<uint64_t>(wall), data, original, comment));
    ++packets_;
    if (data.empty()) ++without_bytes_;
}

void PcapngOutput::drop(const DropView& view) {
    inner_->drop(view);
    const DropEvent& e = *view.event;
    write_packet({e.dev, e.netns}, e.time_ns, e.bytes, pcapng_comment_of(view));
}

void PcapngOutput::path_event(const PathEventView& view) {
    inner_->path_event(view);
    const PathEvent& e = *view.event;
    write_packet({e.dev, e.netns}, e.time_ns, e.bytes, pcapng_comment_of(view));
}

void PcapngOutput::packet(const Lifecycle& lifecycle, const std::vector<PathEventView>& views) {
    inner_->packet(lifecycle, views);
    for (const auto& view : views) {
        const PathEvent& e = *view.event;
        write_packet({e.dev, e.netns}, e.time_ns, e.bytes, pcapng_comment_of(view));
    }
}

void PcapngOutput::summary(const DropSummary& summary, uint64_t lost, double seconds, bool final) {
    inner_->summary(summary, lost, seconds, final);
}
void PcapngOutput::reset(const ResetView& view) {
    inner_->reset(view);
}

void PcapngOutput::sock(const SockView& view) {
    inner_->sock(view);
}
void PcapngOutput::step(const netfilter::TraceStep& step) {
    inner_->step(step);
}
void PcapngOutput::diagnosis(const Diagnosis& diagnosis) {
    inner_->diagnosis(diagnosis);
}
void PcapngOutput::invalid(const netfilter::InvalidEvent& event) {
    inner_->invalid(event);
}
void PcapngOutput::lost(uint32_t cpu, uint64_t count, uint64_t time_ns) {
    inner_->lost(cpu, count, time_ns);
}

void PcapngOutput::flush() {
    inner_->flush();
    file_.flush();
}

void PcapngOutput::finish(OutputEnd& end) {
    std::string name = shown_value(file_.path(), 200);
    if (!file_.flush()) {
        end.notes.push_back("-w " + name + ": " + std::strerror(file_.error()) +
                            " (the file is incomplete)");
        end.exit_code = kExitOutput;
        return;
    }
    std::string line = "-w " + name + ": " + std::to_string(packets_) + " packets on " +
                       std::to_string(interfaces_.size()) + " interfaces";
    if (without_bytes_) line += ", " + std::to_string(without_bytes_) + " of them without bytes";
    end.notes.push_back(std::move(line));
}

std::unique_ptr<Output> with_pcapng(std::unique_ptr<Output> output,
                                    std::optional<pcapng::File>& file, PcapngOptions options,
                                    PcapngOutput*& pcapng) {
    pcapng = nullptr;
    if (!file) return output;
    auto wrapped = std::make_unique<PcapngOutput>(std::move(output), std::move(*file), options);
    file.reset();
    pcapng = wrapped.get();
    return wrapped;
}

std::string pcapng_without_bytes_line(const std::string& path, const std::string& why) {
    return "-w " + shown_value(path, 200) + ": no packet bytes here (" + why +
           "): each event is written as a packet of 0 bytes, its point, reason, location and "
           "skb in the comment";
}

}  // namespace ftnt
