#include "core/process.h"

#include <cerrno>
#include <csignal>

namespace ftnt {

bool process_alive(int pid) {
    return ::kill(pid, 0) == 0 || errno == EPERM;
}

}  // namespace ftnt
