#include "plan/kprobe_spec.h"

namespace ftnt {

std::string kprobe_definition(const std::string& group, const KprobeSpec& spec) {
    return std::string(spec.is_return ? "r" : "p") + ":" + group + "/" + spec.event + " " +
           spec.function + (spec.fetchargs.empty() ? "" : " " + spec.fetchargs);
}

}  // namespace ftnt
