#include <algorithm>
#include <iomanip>
#include <optional>
#include <regex>
#include <sstream>

#include "debug_image.h"
#include "debuginfo_paths.h"
#include "ftnettrace/symbolize.h"

namespace ftnt::symbolize {
namespace {

std::string hex(uint64_t value) {
    std::ostringstream out;
    out << "0x" << std::hex << value;
    return out.str();
}

struct Request {
    std::string function;
    uint64_t offset = 0;
    std::optional<uint64_t> size;
};

std::optional<Request> parse_request(const std::string& text) {
    static const std::regex form(
        R"(^([A-Za-z0-9_.$]+)\+(0x[0-9a-fA-F]+|[0-9]+)(/(0x[0-9a-fA-F]+|[0-9]+))?$)");
    std::smatch m;
    if (!std::regex_match(text, m, form)) return std::nullopt;
    Request r;
    r.function = m[1];
    r.offset = std::stoull(m[2], nullptr, 0);
    if (m[4].matched) r.size = std::stoull(m[4], nullptr, 0);
    return r;
}

void print_frames(std::ostream& out, const std::vector<SourceFrame>& frames) {
    if (frames.empty()) {
        out << "??:0\n";
        return;
    }
    for (const auto& line : format_frames(frames)) out << line << '\n';
}

// FUNC+0xOFF[/0xSIZE] in one image: every symbol of that name.
int resolve_in_image(const DebugImage& image, const Request& r, const std::string& input,
                     std::ostream& out, std::ostream& err) {
    auto candidates = image.symbols_named(r.function);
    if (candidates.empty()) {
        err << "faddr2line: no symbol " << r.function << " in " << image.path() << '\n';
        return 1;
    }
    int status = 1;
    for (const auto& symbol : candidates) {
        if (r.size && *r.size != symbol.size) {
            out << "skipping " << r.function << " at " << hex(symbol.address) << ": size mismatch ("
                << hex(*r.size) << " != " << hex(symbol.size) << ")\n";
            continue;
        }
        if (symbol.size && r.offset >= symbol.size) {
            err << "faddr2line: " << input << ": offset " << hex(r.offset) << " is past the end of "
                << r.function << " at " << hex(symbol.address) << " (size " << hex(symbol.size)
                << ")\n";
            continue;
        }
        out << r.function << '+' << hex(r.offset) << '/' << hex(symbol.size) << ":\n";
        print_frames(out, image.frames(symbol.address + r.offset));
        status = 0;
    }
    return status;
}

}  // namespace

int run_faddr2line(const std::vector<std::string>& inputs, const DebugInfoOptions& options,
                   const Kallsyms& symbols, std::ostream& out, std::ostream& err) {
    std::unique_ptr<DebugImage> image;
    std::string why;
    if (!options.vmlinux.empty()) {
        // A named file is used as it is: it may belong to another machine's crash.
        try {
            image = DebugImage::open(options.vmlinux);
        } catch (const std::exception& error) {
            why = error.what();
        }
    }
    int status = 0;
    for (const auto& input : inputs) {
        if (input.rfind("0x", 0) == 0) {
            // A runtime address of this kernel: only its own vmlinux (build ID) will do.
            Symbolizer symbolizer(symbols, options);
            uint64_t address = std::stoull(input, nullptr, 16);
            auto where = symbols.lookup(address);
            if (!where) {
                err << "faddr2line: " << input << " is in no kernel symbol (see kptr_restrict)\n";
                status = 1;
                continue;
            }
            out << format_symbol_offset(*where) << ":\n";
            if (!symbolizer.has_source_lines()) {
                err << "faddr2line: " << symbolizer.status_line() << '\n';
                status = 1;
                continue;
            }
            print_frames(out, symbolizer.resolve(address).frames);
            continue;
        }
        auto request = parse_request(input);
        if (!request) {
            err << "faddr2line: '" << input << "' is not FUNC+0xOFF[/0xSIZE] or 0xADDR\n";
            return 2;
        }
        if (!image) {
            auto found = find_vmlinux(options);
            if (found.path.empty()) {
                err << "faddr2line: " << (why.empty() ? found.why : why) << '\n';
                return 1;
            }
            image = DebugImage::open(found.path);
        }
        status = std::max(status, resolve_in_image(*image, *request, input, out, err));
    }
    return status;
}

}  // namespace ftnt::symbolize
