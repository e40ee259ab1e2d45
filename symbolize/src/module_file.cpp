#include "module_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#ifdef FTNT_HAVE_LZMA
#include <lzma.h>
#endif
#ifdef FTNT_HAVE_ZSTD
#include <zstd.h>
#endif

namespace ftnt::symbolize {
namespace {

bool ends_with(const std::string& text, const std::string& tail) {
    return text.size() >= tail.size() &&
           text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

// A module, compressed or not, is far below this; a vmlinux with DWARF below 2 GB.
constexpr std::size_t kMaxModuleBytes = std::size_t{256} << 20;
constexpr std::size_t kMaxElfBytes = std::size_t{2} << 30;

// Only a regular file of at most `max_bytes` (O_NONBLOCK: a FIFO does not block the open).
UniqueFd open_regular(const std::string& path, std::size_t max_bytes) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fd) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    struct stat st;
    if (::fstat(fd.get(), &st) != 0)
        throw std::runtime_error("cannot stat " + path + ": " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw std::runtime_error(path + " is not a regular file");
    if (static_cast<std::size_t>(st.st_size) > max_bytes)
        throw std::runtime_error(path + " is larger than " + std::to_string(max_bytes >> 20) +
                                 " MB");
    ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
    return fd;
}

std::vector<char> read_file(const std::string& path) {
    UniqueFd fd = open_regular(path, kMaxModuleBytes);
    std::vector<char> data;
    char buffer[65536];
    for (;;) {
        ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
        if (n == 0) return data;
        data.insert(data.end(), buffer, buffer + n);
        if (data.size() > kMaxModuleBytes)
            throw std::runtime_error(path + " is larger than 256 MB");
    }
}

// Streams a decoder's output into the memory file chunk by chunk. `step` consumes input
// and fills `out`, returning the bytes produced (maybe 0), nullopt once the data ended; it
// throws on corrupt or truncated data.
template <typename Step>
UniqueFd decode_into_memfd(const std::string& path, Step step) {
    UniqueFd fd(::memfd_create(path.c_str(), MFD_CLOEXEC));
    if (!fd) throw std::runtime_error("memfd_create: " + std::string(std::strerror(errno)));
    std::vector<char> out(1 << 20);
    std::size_t total = 0;
    for (;;) {
        std::optional<std::size_t> step_result = step(out);
        if (!step_result) break;
        std::size_t produced = *step_result;
        total += produced;
        if (total > kMaxModuleBytes)
            throw std::runtime_error(path +
                                     " decompresses to more than 256 MB: stopped there (no "
                                     "kernel module is that large)");
        for (std::size_t done = 0; done < produced;) {
            ssize_t n = ::write(fd.get(), out.data() + done, produced - done);
            if (n < 0)
                throw std::runtime_error("writing " + path +
                                         " decompressed: " + std::strerror(errno));
            done += static_cast<std::size_t>(n);
        }
    }
    return fd;
}

#ifdef FTNT_HAVE_LZMA
UniqueFd decompress_xz(const std::string& path) {
    auto in = read_file(path);
    lzma_stream stream = LZMA_STREAM_INIT;
    if (lzma_stream_decoder(&stream, kMaxModuleBytes, LZMA_CONCATENATED) != LZMA_OK)
        throw std::runtime_error("liblzma cannot start a decoder");
    struct End {
        lzma_stream* s;
        ~End() { lzma_end(s); }
    } end{&stream};
    stream.next_in = reinterpret_cast<const uint8_t*>(in.data());
    stream.avail_in = in.size();
    bool finished = false;
    return decode_into_memfd(path, [&](std::vector<char>& out) -> std::optional<std::size_t> {
        if (finished) return std::nullopt;
        stream.next_out = reinterpret_cast<uint8_t*>(out.data());
        stream.avail_out = out.size();
        // With LZMA_FINISH, data that ends early gives LZMA_BUF_ERROR: never a silent end.
        lzma_ret ret = lzma_code(&stream, LZMA_FINISH);
        if (ret == LZMA_STREAM_END)
            finished = true;
        else if (ret != LZMA_OK)
            throw std::runtime_error(path + " is not valid xz data (liblzma error " +
                                     std::to_string(static_cast<int>(ret)) + ")");
        return out.size() - stream.avail_out;
    });
}
#endif

#ifdef FTNT_HAVE_ZSTD
UniqueFd decompress_zstd(const std::string& path) {
    auto in = read_file(path);
    std::unique_ptr<ZSTD_DStream, decltype(&ZSTD_freeDStream)> stream(ZSTD_createDStream(),
                                                                      &ZSTD_freeDStream);
    if (!stream) throw std::runtime_error("libzstd cannot start a decoder");
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    std::size_t pending = 1;  // ZSTD_decompressStream's 0 means: a frame ended, all flushed
    return decode_into_memfd(path, [&](std::vector<char>& out) -> std::optional<std::size_t> {
        ZSTD_outBuffer output{out.data(), out.size(), 0};
        if (input.pos == input.size) {
            if (pending == 0) return std::nullopt;
            pending = ZSTD_decompressStream(stream.get(), &output, &input);  // flush only
            if (!ZSTD_isError(pending) && output.pos == 0 && pending != 0)
                throw std::runtime_error(path + " is truncated zstd data");
        } else {
            pending = ZSTD_decompressStream(stream.get(), &output, &input);
        }
        if (ZSTD_isError(pending))
            throw std::runtime_error(path +
                                     " is not valid zstd data: " + ZSTD_getErrorName(pending));
        return output.pos;
    });
}
#endif

}  // namespace

Compression compression_of(const std::string& path) {
    if (ends_with(path, ".xz")) return Compression::xz;
    if (ends_with(path, ".zst")) return Compression::zstd;
    return Compression::none;
}

UniqueFd open_elf_file(const std::string& path) {
    switch (compression_of(path)) {
        case Compression::xz:
#ifdef FTNT_HAVE_LZMA
            return decompress_xz(path);
#else
            break;  // libdwfl decompresses .xz itself when elfutils was built with lzma
#endif
        case Compression::zstd:
#ifdef FTNT_HAVE_ZSTD
            return decompress_zstd(path);
#else
            break;
#endif
        case Compression::none:
            break;
    }
    return open_regular(path, kMaxElfBytes);
}

std::string module_name_of(const std::string& path) {
    std::string name = path.substr(path.rfind('/') + 1);
    name = name.substr(0, name.find(".ko"));
    for (auto& c : name)
        if (c == '-') c = '_';
    return name;
}

}  // namespace ftnt::symbolize
