#include <iostream>

#include "cli/options.h"
#include "core/errors.h"
#include "core/stop_signal.h"
#include "modes/check_mode.h"
#include "modes/cleanup_mode.h"
#include "modes/drop_mode.h"
#include "modes/faddr2line_mode.h"
#include "modes/monitor_mode.h"
#include "modes/netfilter_mode.h"
#include "modes/path_mode.h"
#include "modes/reset_mode.h"
#include "modes/sock_mode.h"

int main(int argc, char** argv) {
    ftnt::hold_stop_signals();
    auto parsed = ftnt::parse_command_line(argc, argv);
    if (!parsed.options) return parsed.exit_code;
    const auto& options = *parsed.options;
    bool has_stop_signal = options.mode == ftnt::Mode::Path || options.mode == ftnt::Mode::Drop ||
                           options.mode == ftnt::Mode::IptablesTrace ||
                           options.mode == ftnt::Mode::Reset ||
                           options.mode == ftnt::Mode::Monitor || options.mode == ftnt::Mode::Sock;
    if (!has_stop_signal) ftnt::release_stop_signals();
    try {
        switch (options.mode) {
            case ftnt::Mode::Path:
                return ftnt::run_path_mode(options);
            case ftnt::Mode::Check:
                return ftnt::run_check_mode(options);
            case ftnt::Mode::Drop:
                return ftnt::run_drop_mode(options);
            case ftnt::Mode::Cleanup:
                return ftnt::run_cleanup_mode(options);
            case ftnt::Mode::Faddr2line:
                return ftnt::run_faddr2line_mode(options);
            case ftnt::Mode::IptablesTrace:
                return ftnt::run_netfilter_mode(options);
            case ftnt::Mode::Reset:
                return ftnt::run_reset_mode(options);
            case ftnt::Mode::Monitor:
                return ftnt::run_monitor_mode(options);
            case ftnt::Mode::Sock:
                return ftnt::run_sock_mode(options);
            case ftnt::Mode::None:
                break;
        }
        std::cerr << "ftnettrace: this mode is not available in this build\n";
        return ftnt::kExitUsage;
    } catch (const ftnt::UsageError& error) {
        std::cerr << "ftnettrace: " << error.what() << "\n";
        return ftnt::kExitUsage;
    } catch (const std::exception& error) {
        std::cerr << "ftnettrace: " << error.what() << "\n";
        return ftnt::kExitFailure;
    }
}
