// Whether a process exists (state files of other runs name their pid).
#pragma once

namespace ftnt {

bool process_alive(int pid);

}  // namespace ftnt
