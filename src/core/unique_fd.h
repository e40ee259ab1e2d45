// ftnt::UniqueFd, the owned file descriptor, is defined once in symbolize's public headers.
#pragma once

#include <ftnettrace/unique_fd.h>
