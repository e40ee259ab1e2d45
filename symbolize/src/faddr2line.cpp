#include <algorithm>
#include <charconv>
#include <optional>
#include <regex>
#include <sstream>

#include "debug_image.h"
#include "debuginfo_paths.h"
#include "ftnettrace/symbolize.h"
#include "module_images.h"

namespace ftnt::symbolize {
namespace {

std::string hex(uint64_t value) {
    std::ostringstream out;
    out << "0x" << std::hex << value;
    return out.str();
}

struct Request {
    std::string input;
    std::optional<uint64_t> address;  // a raw runtime address
    std::string function;
    uint64_t offset = 0;
    std::optional<uint64_t> size;
};

// "0x1f" or "31"; nothing when it does not fit in 64 bits.
std::optional<uint64_t> number_of(const std::string& text) {
    bool hex = text.starts_with("0x");
    const char* first = text.data() + (hex ? 2 : 0);
    const char* last = text.data() + text.size();
    uint64_t value = 0;
    auto [end, error] = std::from_chars(first, last, value, hex ? 16 : 10);
    if (error != std::errc() || end != last) return std::nullopt;
    return value;
}

// The input as a message may show it: 40 bytes at most, printable ASCII.
std::string shown(const std::string& text) {
    std::string out;
    for (char c : text.substr(0, 40)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
    return text.size() > 40 ? out + "..." : out;
}

std::optional<Request> parse_request(const std::string& text) {
    static const std::regex raw(R"(^0x[0-9a-fA-F]{1,16}$)");
    static const std::regex form(
        R"(^([A-Za-z_.$][A-Za-z0-9_.$]*)\+(0x[0-9a-fA-F]+|[0-9]+)(/(0x[0-9a-fA-F]+|[0-9]+))?$)");
    Request r;
    r.input = text;
    std::smatch m;
    if (text.size() > 512) return std::nullopt;
    if (std::regex_match(text, raw)) {
        r.address = number_of(text);
        return r;
    }
    if (!std::regex_match(text, m, form)) return std::nullopt;
    r.function = m[1];
    auto offset = number_of(m[2]);
    if (!offset) return std::nullopt;  // more than 64 bits
    r.offset = *offset;
    if (m[4].matched) {
        r.size = number_of(m[4]);
        if (!r.size) return std::nullopt;
    }
    return r;
}

void print_frames(std::ostream& out, const std::vector<SourceFrame>& frames) {
    for (const auto& line : format_frames(frames)) out << line << '\n';
    if (frames.empty()) out << "??:0\n";
}

// One run: the images are opened on first need and shared by the inputs.
class Session {
  public:
    Session(const DebugInfoOptions& options, const Kallsyms& symbols, std::ostream& out,
            std::ostream& err)
        : options_(options), symbols_(symbols), out_(out), err_(err), modules_(options) {}

    int run(const Request& r) { return r.address ? runtime_address(r) : function_offset(r); }

  private:
    int runtime_address(const Request& r);
    int function_offset(const Request& r);
    int in_image(const DebugImage& image, const Request& r, const std::string& suffix);
    DebugImage* file_image();

    const DebugInfoOptions& options_;
    const Kallsyms& symbols_;
    std::ostream& out_;
    std::ostream& err_;
    ModuleImages modules_;
    std::unique_ptr<Symbolizer> symbolizer_;
    std::optional<FoundImage> file_;
};

// The file FUNC+OFF inputs are looked up in: --vmlinux as it is (any build), else the
// running kernel's vmlinux, checked by build ID.
DebugImage* Session::file_image() {
    if (!file_) {
        file_.emplace();
        if (options_.vmlinux.empty()) {
            *file_ = find_vmlinux(options_);
        } else {
            try {
                file_->image = DebugImage::open(options_.vmlinux);
            } catch (const std::exception& error) {
                file_->why = error.what();
            }
        }
    }
    return file_->image.get();
}

int Session::in_image(const DebugImage& image, const Request& r, const std::string& suffix) {
    auto candidates = image.symbols_named(r.function);
    if (candidates.empty()) return -1;
    bool printed = false;
    for (const auto& symbol : candidates) {
        uint64_t at = image.relocatable() ? image.section_offset(symbol.address).offset
                                          : symbol.address - image.bias();
        if (r.size && *r.size != symbol.size) {
            out_ << "skipping " << r.function << " address at " << hex(at)
                 << " due to size mismatch (" << hex(*r.size) << " != " << hex(symbol.size)
                 << ")\n";
            continue;
        }
        // An offset equal to the size is a return address after a final call: kept.
        if (symbol.size && r.offset > symbol.size) {
            err_ << "faddr2line: " << r.input << ": offset " << hex(r.offset)
                 << " is past the end of " << r.function << " at " << hex(at) << " (size "
                 << hex(symbol.size) << ")\n";
            continue;
        }
        out_ << r.function << '+' << hex(r.offset) << '/' << hex(symbol.size) << suffix << ":\n";
        print_frames(out_, image.frames(symbol.address + r.offset));
        printed = true;
    }
    return printed ? 0 : 1;
}

int Session::function_offset(const Request& r) {
    DebugImage* image = file_image();
    if (image) {
        int status = in_image(*image, r, "");
        if (status >= 0) return status;
    }
    // Not in the vmlinux: a function of a loaded module, in its .ko.
    if (options_.vmlinux.empty()) {
        for (const auto* symbol : symbols_.find(r.function)) {
            if (symbol->module.empty()) continue;
            if (DebugImage* module = modules_.find(symbol->module))
                return in_image(*module, r, " [" + symbol->module + "]") < 0 ? 1 : 0;
        }
    }
    if (!image)
        err_ << "faddr2line: " << file_->why << '\n';
    else
        err_ << "faddr2line: no symbol " << r.function << " in " << image->path() << '\n';
    return 1;
}

int Session::runtime_address(const Request& r) {
    auto where = symbols_.lookup(*r.address);
    if (!where) {
        err_ << "faddr2line: " << r.input << " is in no kernel symbol"
             << (symbols_.addresses_hidden() ? " (/proc/kallsyms hides addresses: run as root, "
                                               "kernel.kptr_restrict<2)"
                                             : "")
             << '\n';
        return 1;
    }
    if (!symbolizer_) symbolizer_ = std::make_unique<Symbolizer>(symbols_, options_);
    const auto& result = symbolizer_->resolve(*r.address);
    out_ << format_symbol_offset(*where) << ":\n";
    if (result.frames.empty()) {
        err_ << "faddr2line: " << r.input << ": "
             << (where->symbol->module.empty()
                     ? symbolizer_->status_line()
                     : "no debug information for module " + where->symbol->module)
             << '\n';
        return 1;
    }
    print_frames(out_, result.frames);
    return 0;
}

}  // namespace

int run_faddr2line(const std::vector<std::string>& inputs, const DebugInfoOptions& options,
                   const Kallsyms& symbols, std::ostream& out, std::ostream& err) {
    std::vector<Request> requests;
    for (const auto& input : inputs) {
        auto request = parse_request(input);
        if (!request) {
            err << "faddr2line: '" << shown(input)
                << "' is not FUNC+0xOFF[/0xSIZE] or 0xADDR (numbers of at most 64 bits)\n";
            return 2;
        }
        requests.push_back(*request);
    }
    Session session(options, symbols, out, err);
    int status = 0;
    for (const auto& request : requests) status = std::max(status, session.run(request));
    return status;
}

int run_faddr2line(const std::vector<std::string>& inputs, const DebugInfoOptions& options,
                   std::ostream& out, std::ostream& err) {
    bool raw = std::any_of(inputs.begin(), inputs.end(),
                           [](const std::string& input) { return input.rfind("0x", 0) == 0; });
    Kallsyms symbols;
    if (raw) {
        try {
            symbols = Kallsyms::load("/proc/kallsyms");
        } catch (const std::exception& error) {
            err << "faddr2line: " << error.what() << '\n';
        }
    }
    return run_faddr2line(inputs, options, symbols, out, err);
}

}  // namespace ftnt::symbolize
