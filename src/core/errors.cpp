#include "core/errors.h"

#include <cstring>

namespace ftnt {

std::string errno_message(const std::string& what, int error_number) {
    return what + ": " + std::strerror(error_number);
}

}  // namespace ftnt
