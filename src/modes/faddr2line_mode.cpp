#include "modes/faddr2line_mode.h"

#include <iostream>

#include "core/text_file.h"
#include "discover/kernel_env.h"
#include "ftnettrace/symbolize.h"

namespace ftnt {

int run_faddr2line_mode(const Options& options) {
    // Runtime addresses need /proc/kallsyms; FUNC+OFF inputs only the vmlinux.
    auto symbols = symbolize::Kallsyms::parse(read_text_file("/proc/kallsyms").value_or(""));
    return symbolize::run_faddr2line(options.faddr2line_inputs, debug_info_options(options.vmlinux),
                                     symbols, std::cout, std::cerr);
}

}  // namespace ftnt
